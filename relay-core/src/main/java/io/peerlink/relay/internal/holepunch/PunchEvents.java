package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.PunchRole;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.internal.ProtectionCounts;
import java.time.Duration;

/**
 * The events of one hole punch, as one side sees it: {@code holePunchStart} when it begins, then
 * {@code holePunchAttemptFailed} per failed round (initiator only) and one {@code holePunchEnd} or
 * {@code holePunchFailed}, timed from the start.
 */
final class PunchEvents {
  private final Host core;
  private final PeerId peer;
  private final PunchRole role;
  private final long startNanos;
  private final Runnable unprotect;

  private PunchEvents(Host core, PeerId peer, PunchRole role) {
    this.core = core;
    this.peer = peer;
    this.role = role;
    this.startNanos = System.nanoTime();
    // The relayed connection carries the punch's signalling: keep it while the punch runs.
    this.unprotect = ProtectionCounts.of(core, ProtectionCounts.HOLE_PUNCH).hold(peer);
  }

  /** Reports {@code holePunchStart} and returns the punch's events. */
  static PunchEvents start(Host core, PeerId peer, PunchRole role) {
    PunchEvents events = new PunchEvents(core, peer, role);
    core.emit(l -> l.holePunchStart(peer, role));
    return events;
  }

  /** Reports that round {@code attempt} (from 1) failed and another may follow. */
  void attemptFailed(int attempt, Throwable err) {
    PeerException e = asPeerException(err);
    core.emit(l -> l.holePunchAttemptFailed(peer, attempt, e));
  }

  /** Reports the punch's direct connection. */
  void end(Peer direct) {
    unprotect.run();
    Duration took = took();
    core.emit(l -> l.holePunchEnd(peer, role, direct, took));
  }

  /** Reports that the punch failed. */
  void failed(Throwable err) {
    unprotect.run();
    PeerException e = asPeerException(err);
    Duration took = took();
    core.emit(l -> l.holePunchFailed(peer, role, e, took));
  }

  private Duration took() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static PeerException asPeerException(Throwable err) {
    return PeerException.wrap(err, PeerError.CONNECT);
  }
}
