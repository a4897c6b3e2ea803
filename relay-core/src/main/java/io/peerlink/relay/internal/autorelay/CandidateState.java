package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.RelayException;
import java.time.Duration;
import java.time.Instant;

/**
 * What AutoRelay knows of one relay candidate. Mutable; touched only under AutoRelay's lock.
 */
public final class CandidateState {
  public final PeerId id;
  public Multiaddr addr;
  public boolean preferred;
  /** Order of arrival: the last tie-break, so equal candidates keep the order they were given in. */
  public final long seq;
  /** Vetted: reachable directly and offering hop, as of the last check. */
  public boolean vetted;
  public boolean vetting;
  /** A RESERVE is under way. */
  public boolean reserving;
  public Duration rtt;
  public int refusals;
  public int failures;
  public Instant blacklistedUntil;

  public CandidateState(PeerId id, Multiaddr addr, boolean preferred, long seq) {
    this.id = id;
    this.addr = addr;
    this.preferred = preferred;
    this.seq = seq;
  }

  /** Whether the blacklist still holds at {@code now}. */
  public boolean blacklisted(Instant now) {
    return blacklistedUntil != null && now.isBefore(blacklistedUntil);
  }

  /** Vetting accepted it, measuring {@code rtt}. */
  void accepted(Duration rtt) {
    vetted = true;
    this.rtt = rtt;
  }

  /** Vetting rejected it. */
  void rejected() {
    vetted = false;
    failures++;
  }

  /** A reservation on it is held: its past failures are forgiven. */
  void reserved() {
    failures = 0;
  }

  /**
   * A reservation on it failed: a refusal if the relay answered with a status, else a failure. It
   * is vetted again before the next try.
   */
  void reservationFailed(Throwable cause) {
    if (cause instanceof RelayException re && re.statusCode() != 0) {
      refusals++;
    } else {
      failures++;
    }
    vetted = false;
  }

  /** The reservation held on it was lost: the relay may be gone, so it is vetted again before use. */
  void lost() {
    vetted = false;
    failures++;
  }

  @Override
  public String toString() {
    return "Candidate(" + id + (preferred ? " preferred" : "") + (vetted ? " vetted" : "") + " rtt=" + rtt
        + " refusals=" + refusals + (blacklistedUntil != null ? " blacklisted until " + blacklistedUntil : "") + ")";
  }
}
