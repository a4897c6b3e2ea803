package io.peerlink.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on inbound connections, checked by a {@link Listener} the moment a TCP connection is
 * accepted: a connection over a limit is closed before any handshake byte is exchanged (so a flood
 * costs no TLS or Noise work), an {@code inboundRefused} event is reported and
 * {@link ListenerStats#rejected()} rises. The handshake deadline is
 * {@link PeerConfig#handshakeTimeout()}.
 *
 * <p>Immutable; build with {@link #builder()}, which validates. Defaults learn from go-libp2p's
 * resource manager and avalanchego's inbound connection throttler, as noted per field.
 */
public final class ListenerLimits {
  private static final ListenerLimits DEFAULTS = builder().build();

  private final int maxInbound;
  private final int maxInboundPerIp;
  private final double acceptsPerSecond;
  private final int acceptBurst;
  private final Duration upgradeCooldown;
  private final boolean exemptLoopback;

  private ListenerLimits(Builder b) {
    this.maxInbound = b.maxInbound;
    this.maxInboundPerIp = b.maxInboundPerIp;
    this.acceptsPerSecond = b.acceptsPerSecond;
    this.acceptBurst = b.acceptBurst;
    this.upgradeCooldown = b.upgradeCooldown;
    this.exemptLoopback = b.exemptLoopback;
  }

  /** {@return the defaults listed on each field} */
  public static ListenerLimits defaults() {
    return DEFAULTS;
  }

  /** {@return limits that limit nothing (only for tests and trusted networks)} */
  public static ListenerLimits unlimited() {
    return builder().maxInbound(Integer.MAX_VALUE).maxInboundPerIp(Integer.MAX_VALUE)
        .acceptRate(Double.POSITIVE_INFINITY, Integer.MAX_VALUE).build();
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from these limits} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxInbound = maxInbound;
    b.maxInboundPerIp = maxInboundPerIp;
    b.acceptsPerSecond = acceptsPerSecond;
    b.acceptBurst = acceptBurst;
    b.upgradeCooldown = upgradeCooldown;
    b.exemptLoopback = exemptLoopback;
    return b;
  }

  /**
   * Inbound connections open at once, handshaking or connected; the next is rejected with
   * {@link RejectReason#TOO_MANY_INBOUND}. Default 1024 (a count of sockets: each costs a file
   * descriptor and about the memory the guide measures).
   *
   * @return the most inbound connections open at once
   */
  public int maxInbound() {
    return maxInbound;
  }

  /**
   * Inbound connections open at once from one IP address; the next is rejected with
   * {@link RejectReason#TOO_MANY_FROM_IP}. Default 8, go-libp2p's resource manager limit per IPv4
   * address.
   *
   * @return the most inbound connections from one IP address
   */
  public int maxInboundPerIp() {
    return maxInboundPerIp;
  }

  /**
   * Accepted connections per second, on average, as a token bucket refilled at this rate;
   * {@link Double#POSITIVE_INFINITY} turns the limit off. A connection that finds the bucket empty
   * is rejected with {@link RejectReason#RATE_LIMITED}. Default 256/s, avalanchego's inbound
   * connection throttler.
   *
   * @return the average accepts per second
   */
  public double acceptsPerSecond() {
    return acceptsPerSecond;
  }

  /**
   * Connections accepted back to back before the rate applies: the bucket's size. Default 256.
   *
   * @return the accept burst
   */
  public int acceptBurst() {
    return acceptBurst;
  }

  /**
   * Least time between two connection upgrades from one IP address; a connection sooner is
   * rejected with {@link RejectReason#COOLDOWN}. {@link Duration#ZERO} (the default) turns it off:
   * libp2p peers reconnect and open parallel connections legitimately, and many peers can share one
   * NAT address. avalanchego, whose peers each connect once, uses 10 s.
   *
   * @return the cooldown per IP address
   */
  public Duration upgradeCooldown() {
    return upgradeCooldown;
  }

  /**
   * Whether connections from loopback addresses skip every limit here (they still count towards
   * {@link #maxInbound()}). Default false: local processes are not always friendly.
   *
   * @return whether loopback connections skip the limits
   */
  public boolean exemptLoopback() {
    return exemptLoopback;
  }

  @Override
  public String toString() {
    return "ListenerLimits{maxInbound=" + maxInbound + ", maxInboundPerIp=" + maxInboundPerIp
        + ", acceptsPerSecond=" + acceptsPerSecond + ", acceptBurst=" + acceptBurst
        + ", upgradeCooldown=" + upgradeCooldown + ", exemptLoopback=" + exemptLoopback + '}';
  }

  /** Builds {@link ListenerLimits}; every setter has the default named on the getter. */
  public static final class Builder {
    private int maxInbound = 1024;
    private int maxInboundPerIp = 8;
    private double acceptsPerSecond = 256;
    private int acceptBurst = 256;
    private Duration upgradeCooldown = Duration.ZERO;
    private boolean exemptLoopback;

    private Builder() {}

    /**
     * See {@link ListenerLimits#maxInbound()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxInbound(int v) {
      this.maxInbound = v;
      return this;
    }

    /**
     * See {@link ListenerLimits#maxInboundPerIp()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxInboundPerIp(int v) {
      this.maxInboundPerIp = v;
      return this;
    }

    /**
     * See {@link ListenerLimits#acceptsPerSecond()} and {@link ListenerLimits#acceptBurst()}.
     *
     * @param perSecond average accepts per second
     * @param burst accepts allowed back to back
     * @return this builder
     */
    public Builder acceptRate(double perSecond, int burst) {
      this.acceptsPerSecond = perSecond;
      this.acceptBurst = burst;
      return this;
    }

    /**
     * See {@link ListenerLimits#upgradeCooldown()}; zero turns it off.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder upgradeCooldown(Duration v) {
      this.upgradeCooldown = v;
      return this;
    }

    /**
     * See {@link ListenerLimits#exemptLoopback()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder exemptLoopback(boolean v) {
      this.exemptLoopback = v;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first invalid setting
     * @return the new {@code ListenerLimits}
     */
    public ListenerLimits build() {
      if (maxInbound < 1) {
        throw new IllegalArgumentException("maxInbound must be at least 1, was " + maxInbound);
      }
      if (maxInboundPerIp < 1) {
        throw new IllegalArgumentException("maxInboundPerIp must be at least 1, was " + maxInboundPerIp);
      }
      if (!(acceptsPerSecond > 0)) {
        throw new IllegalArgumentException("acceptsPerSecond must be positive, was " + acceptsPerSecond);
      }
      if (acceptBurst < 1) {
        throw new IllegalArgumentException("acceptBurst must be at least 1, was " + acceptBurst);
      }
      Objects.requireNonNull(upgradeCooldown, "upgradeCooldown");
      if (upgradeCooldown.isNegative()) {
        throw new IllegalArgumentException("upgradeCooldown must be zero (off) or positive, was " + upgradeCooldown);
      }
      return new ListenerLimits(this);
    }
  }
}
