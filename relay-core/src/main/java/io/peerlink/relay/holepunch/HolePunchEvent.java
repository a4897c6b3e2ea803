package io.peerlink.relay.holepunch;

import io.peerlink.core.identity.PeerId;
import java.time.Duration;

/**
 * What happened in a hole punch with {@code peer}.
 *
 * @param kind what happened
 * @param peer the remote peer
 * @param role {@code "A"} (we dialed the relayed connection) or {@code "B"} (we received it)
 * @param attempt the CONNECT/SYNC round, from 1; 0 for connection reversal
 * @param rtt the round trip B measured (CONNECT to CONNECT), or null
 * @param error why it failed, or null
 */
public record HolePunchEvent(Kind kind, PeerId peer, String role, int attempt, Duration rtt, String error) {
  /** The kinds of events. */
  public enum Kind {
    /** B starts: direct reversal or the first CONNECT. */
    STARTED,
    /** B's direct dial to A's public addresses worked: no punch needed. */
    REVERSED,
    /** One round failed; B tries again while attempts remain. */
    ATTEMPT_FAILED,
    /** A direct connection is up. */
    SUCCEEDED,
    /** Every attempt failed; the relayed connection stays. */
    FAILED
  }
}
