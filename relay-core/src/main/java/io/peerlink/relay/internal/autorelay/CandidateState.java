package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.time.Instant;

/**
 * What AutoRelay knows of one relay candidate. Mutable; touched only on AutoRelay's executor.
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

  @Override
  public String toString() {
    return "Candidate(" + id + (preferred ? " preferred" : "") + (vetted ? " vetted" : "") + " rtt=" + rtt
        + " refusals=" + refusals + (blacklistedUntil != null ? " blacklisted until " + blacklistedUntil : "") + ")";
  }
}
