package io.peerlink.core.internal.host;

import java.net.InetAddress;

/**
 * One inbound connection from the moment it is accepted: it holds its slot in the listener's
 * counts (in all and for its IP) until the channel closes, and its "upgrading" slot until the
 * upgrade completes or fails.
 */
public final class AcceptedConn {
  private final InboundGate gate;
  private final InetAddress ip;
  private final boolean exempt;
  private final long acceptedNanos;
  private boolean upgradeDone; // guarded by gate
  private boolean closed; // guarded by gate

  AcceptedConn(InboundGate gate, InetAddress ip, boolean exempt, long acceptedNanos) {
    this.gate = gate;
    this.ip = ip;
    this.exempt = exempt;
    this.acceptedNanos = acceptedNanos;
  }

  /** The remote IP. */
  public InetAddress ip() {
    return ip;
  }

  /** Whether the limits were skipped (loopback exemption). */
  public boolean exempt() {
    return exempt;
  }

  /** When it was accepted, in {@link System#nanoTime()} terms (or the gate's clock). */
  public long acceptedNanos() {
    return acceptedNanos;
  }

  /** The upgrade finished, well or not. Idempotent. */
  public void upgradeFinished(boolean success) {
    synchronized (gate) {
      if (upgradeDone) {
        return;
      }
      upgradeDone = true;
      gate.upgradeFinished(success);
    }
  }

  /** The channel closed: free the slots. Idempotent. */
  public void closed() {
    synchronized (gate) {
      if (closed) {
        return;
      }
      closed = true;
      if (!upgradeDone) {
        upgradeDone = true;
        gate.upgradeFinished(false);
      }
      gate.release(this);
    }
  }
}
