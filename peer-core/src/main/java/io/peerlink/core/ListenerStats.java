package io.peerlink.core;

import java.util.Map;

/**
 * A snapshot of a {@link Listener}'s counters, from {@link Listener#stats()}.
 *
 * @param accepted connections accepted and let through to the handshake, since start
 * @param rejected connections closed before the handshake by a {@link ListenerLimits} limit
 * @param rejectedByReason {@code rejected}, split by reason (every reason present, zero or not)
 * @param upgradesFailed accepted connections whose handshake failed or timed out
 * @param open inbound connections open now, handshaking or connected
 * @param upgrading inbound connections still handshaking now
 */
public record ListenerStats(
    long accepted,
    long rejected,
    Map<RejectReason, Long> rejectedByReason,
    long upgradesFailed,
    int open,
    int upgrading) {
  /**
   * Copies the map, so the record is immutable.
   *
   * @param accepted connections accepted and let through to the handshake, since start
   * @param rejected connections closed before the handshake by a {@link ListenerLimits} limit
   * @param rejectedByReason {@code rejected}, split by reason (every reason present, zero or not)
   * @param upgradesFailed accepted connections whose handshake failed or timed out
   * @param open inbound connections open now, handshaking or connected
   * @param upgrading inbound connections still handshaking now
   */
  public ListenerStats {
    rejectedByReason = Map.copyOf(rejectedByReason);
  }
}
