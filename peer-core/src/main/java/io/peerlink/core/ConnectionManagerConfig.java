package io.peerlink.core;

import java.time.Duration;
import java.util.Objects;

/**
 * When a host trims its connections: above {@link #highWater()} open connections it closes the
 * least useful ones down to {@link #lowWater()}, as go-libp2p's connection manager does. Never
 * trimmed: connections younger than {@link #gracePeriod()}, those to a peer protected with
 * {@code Host.protect} (a relay reservation, a circuit, hole-punch signalling), and the last
 * connection to a peer with a {@link PeerPool#call} in flight. Immutable; build with
 * {@link #builder()}. Set it with {@link PeerConfig.Builder#connectionManager}.
 */
public final class ConnectionManagerConfig {
  private static final ConnectionManagerConfig DEFAULTS = builder().build();

  private final int lowWater;
  private final int highWater;
  private final Duration gracePeriod;
  private final Duration silencePeriod;

  private ConnectionManagerConfig(Builder b) {
    this.lowWater = b.lowWater;
    this.highWater = b.highWater;
    this.gracePeriod = b.gracePeriod;
    this.silencePeriod = b.silencePeriod;
  }

  /** {@return the defaults listed on each field} */
  public static ConnectionManagerConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a configuration that never trims (both watermarks zero)} */
  public static ConnectionManagerConfig disabled() {
    return builder().watermarks(0, 0).build();
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from this configuration} */
  public Builder toBuilder() {
    return new Builder().watermarks(lowWater, highWater).gracePeriod(gracePeriod).silencePeriod(silencePeriod);
  }

  /**
   * How many connections trimming leaves open. Default 100. Zero (with {@link #highWater()} zero)
   * turns trimming off.
   *
   * @return the low watermark, in connections
   */
  public int lowWater() {
    return lowWater;
  }

  /**
   * Above this many open connections the host trims down to {@link #lowWater()}. Default 400:
   * above a {@link PeerPool}'s default 256 peers, so a pool alone never sets trimming off.
   * (go-libp2p's host defaults to 160/192; the gap between the two marks is what keeps trimming
   * rare.)
   *
   * @return the high watermark, in connections
   */
  public int highWater() {
    return highWater;
  }

  /**
   * A connection this young is never trimmed: it may be a dial whose first stream is still being
   * opened. Default 20 s (kubo's; go-libp2p's library default is one minute).
   *
   * @return the grace period of new connections
   */
  public Duration gracePeriod() {
    return gracePeriod;
  }

  /**
   * How often the host checks whether it is above the high watermark; trimming runs at most this
   * often. Default 10 s, go-libp2p's {@code silencePeriod}.
   *
   * @return the interval between checks
   */
  public Duration silencePeriod() {
    return silencePeriod;
  }

  /** {@return whether the host trims at all} */
  public boolean enabled() {
    return lowWater > 0 && highWater > 0;
  }

  @Override
  public String toString() {
    return "ConnectionManagerConfig{lowWater=" + lowWater + ", highWater=" + highWater
        + ", gracePeriod=" + gracePeriod + ", silencePeriod=" + silencePeriod + "}";
  }

  /** Builds a {@link ConnectionManagerConfig}; every setter has the default named on the getter. */
  public static final class Builder {
    private int lowWater = 100;
    private int highWater = 400;
    private Duration gracePeriod = Duration.ofSeconds(20);
    private Duration silencePeriod = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * See {@link ConnectionManagerConfig#lowWater()} and {@link ConnectionManagerConfig#highWater()};
     * {@code 0 < low <= high}, or both zero to turn trimming off.
     *
     * @param low connections left after trimming
     * @param high connections above which trimming starts
     * @return this builder
     */
    public Builder watermarks(int low, int high) {
      this.lowWater = low;
      this.highWater = high;
      return this;
    }

    /**
     * See {@link ConnectionManagerConfig#gracePeriod()}; not negative.
     *
     * @param v the grace period of new connections
     * @return this builder
     */
    public Builder gracePeriod(Duration v) {
      this.gracePeriod = Objects.requireNonNull(v, "gracePeriod");
      return this;
    }

    /**
     * See {@link ConnectionManagerConfig#silencePeriod()}; positive.
     *
     * @param v the interval between checks
     * @return this builder
     */
    public Builder silencePeriod(Duration v) {
      this.silencePeriod = Objects.requireNonNull(v, "silencePeriod");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public ConnectionManagerConfig build() {
      boolean off = lowWater == 0 && highWater == 0;
      if (!off && (lowWater < 1 || highWater < lowWater)) {
        throw new IllegalArgumentException("watermarks need 0 < low <= high (or both 0 to turn trimming off), were low="
            + lowWater + " high=" + highWater);
      }
      if (gracePeriod.isNegative()) {
        throw new IllegalArgumentException("gracePeriod must not be negative, was " + gracePeriod);
      }
      if (silencePeriod.isNegative() || silencePeriod.isZero()) {
        throw new IllegalArgumentException("silencePeriod must be positive, was " + silencePeriod);
      }
      return new ConnectionManagerConfig(this);
    }
  }
}
