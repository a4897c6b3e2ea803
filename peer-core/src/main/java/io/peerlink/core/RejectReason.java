package io.peerlink.core;

/**
 * Why a {@link Listener} closed an accepted connection before its handshake; each is one field of
 * {@link ListenerLimits}.
 */
public enum RejectReason {
  /** {@link ListenerLimits#maxInbound()} inbound connections were already open. */
  TOO_MANY_INBOUND,
  /** {@link ListenerLimits#maxInboundPerIp()} inbound connections from this IP were already open. */
  TOO_MANY_FROM_IP,
  /** The accept rate limit ({@link ListenerLimits#acceptsPerSecond()}) had no token left. */
  RATE_LIMITED,
  /** This IP started an upgrade less than {@link ListenerLimits#upgradeCooldown()} ago. */
  COOLDOWN,
  /** The listener is closing. */
  CLOSING
}
