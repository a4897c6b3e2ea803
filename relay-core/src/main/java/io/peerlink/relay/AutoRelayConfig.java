package io.peerlink.relay;

import io.peerlink.relay.internal.autorelay.AutoRelay;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link AutoRelay}. Immutable; every value has a default, named with its unit in
 * its getter.
 *
 * <pre>{@code
 * AutoRelayConfig config = AutoRelayConfig.builder().minRelays(3).blacklistDuration(Duration.ofMinutes(5)).build();
 * }</pre>
 */
public final class AutoRelayConfig {
  private static final AutoRelayConfig DEFAULTS = builder().build();

  private final int minRelays;
  private final int maxRelays;
  private final Duration refreshInterval;
  private final Duration bootDelay;
  private final Duration blacklistDuration;
  private final Duration vettingTimeout;
  private final Duration reservationTimeout;
  private final int maxCandidates;
  private final Clock clock;

  private AutoRelayConfig(Builder b) {
    this.minRelays = b.minRelays;
    this.maxRelays = b.maxRelays;
    this.refreshInterval = b.refreshInterval;
    this.bootDelay = b.bootDelay;
    this.blacklistDuration = b.blacklistDuration;
    this.vettingTimeout = b.vettingTimeout;
    this.reservationTimeout = b.reservationTimeout;
    this.maxCandidates = b.maxCandidates;
    this.clock = b.clock;
  }

  /** {@return the defaults} */
  public static AutoRelayConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * How many reservations AutoRelay keeps: it reserves until it holds this many, and replaces a
   * lost one at once. Default 2 (go-libp2p's {@code desiredRelays}).
   *
   * @return the reservations kept
   */
  public int minRelays() {
    return minRelays;
  }

  /**
   * The most reservations held at once. Preferred relays are all reserved up to this number;
   * others only fill up to {@link #minRelays()}. Default 4.
   *
   * @return the most reservations held
   */
  public int maxRelays() {
    return maxRelays;
  }

  /**
   * How often the background check runs: it asks the sources again when candidates are short,
   * measures the active relays' RTT with ping, drops extra non-preferred relays, and notices
   * reservations the client no longer holds. Reservations themselves are refreshed by the
   * {@link io.peerlink.relay.internal.client.RelayClient} before they expire ({@code refreshSlack}), and
   * {@link AutoRelay#refreshReservations()} refreshes them at once. Default 1 min (go's
   * {@code rsvpRefreshInterval}).
   *
   * @return the check interval
   */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /**
   * How long {@link AutoRelay#start()} waits for candidates when it knows fewer than
   * {@link #minRelays()}: it reserves at once when it has enough, and with whatever it has once
   * this has passed. Default 5 s (go waits up to 3 min for 4 candidates; a peer given its relays
   * need not wait at all).
   *
   * @return the boot delay
   */
  public Duration bootDelay() {
    return bootDelay;
  }

  /**
   * How long a relay that refused a reservation, could not be reached, or does not offer the hop
   * protocol is skipped. It is tried again after that. Default 1 min.
   *
   * @return the blacklist duration
   */
  public Duration blacklistDuration() {
    return blacklistDuration;
  }

  /**
   * Time to vet a candidate: dial it directly (if not connected), read its identify answer (the
   * hop protocol must be in it) and ping it once for its RTT. Default 10 s.
   *
   * @return the vetting timeout
   */
  public Duration vettingTimeout() {
    return vettingTimeout;
  }

  /**
   * Time for one RESERVE on a vetted relay (its answer included); a relay that takes longer is
   * blacklisted and the next candidate tried. Default 15 s (shorter than the client's own 60 s
   * {@code reserveTimeout}, so a slow relay does not hold up failover).
   *
   * @return the reservation timeout
   */
  public Duration reservationTimeout() {
    return reservationTimeout;
  }

  /**
   * The most candidates remembered (preferred ones do not count). Default 32.
   *
   * @return the most candidates remembered
   */
  public int maxCandidates() {
    return maxCandidates;
  }

  /** {@return the clock for expiries (blacklist, reservations); default UTC} */
  public Clock clock() {
    return clock;
  }

  /** {@return a builder holding these settings} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.minRelays = minRelays;
    b.maxRelays = maxRelays;
    b.refreshInterval = refreshInterval;
    b.bootDelay = bootDelay;
    b.blacklistDuration = blacklistDuration;
    b.vettingTimeout = vettingTimeout;
    b.reservationTimeout = reservationTimeout;
    b.maxCandidates = maxCandidates;
    b.clock = clock;
    return b;
  }

  @Override
  public String toString() {
    return "AutoRelayConfig{minRelays=" + minRelays + ", maxRelays=" + maxRelays + ", refreshInterval=" + refreshInterval
        + ", bootDelay=" + bootDelay + ", blacklistDuration=" + blacklistDuration + ", vettingTimeout=" + vettingTimeout
        + ", reservationTimeout=" + reservationTimeout + ", maxCandidates=" + maxCandidates + '}';
  }

  /** Builds an {@link AutoRelayConfig}; {@link #build()} checks the values. */
  public static final class Builder {
    private int minRelays = 2;
    private int maxRelays = 4;
    private Duration refreshInterval = Duration.ofMinutes(1);
    private Duration bootDelay = Duration.ofSeconds(5);
    private Duration blacklistDuration = Duration.ofMinutes(1);
    private Duration vettingTimeout = Duration.ofSeconds(10);
    private Duration reservationTimeout = Duration.ofSeconds(15);
    private int maxCandidates = 32;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * See {@link AutoRelayConfig#minRelays()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder minRelays(int v) {
      minRelays = v;
      return this;
    }

    /**
     * See {@link AutoRelayConfig#maxRelays()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxRelays(int v) {
      maxRelays = v;
      return this;
    }

    /**
     * See {@link AutoRelayConfig#refreshInterval()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder refreshInterval(Duration v) {
      refreshInterval = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link AutoRelayConfig#bootDelay()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder bootDelay(Duration v) {
      bootDelay = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link AutoRelayConfig#blacklistDuration()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder blacklistDuration(Duration v) {
      blacklistDuration = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link AutoRelayConfig#vettingTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder vettingTimeout(Duration v) {
      vettingTimeout = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link AutoRelayConfig#reservationTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder reservationTimeout(Duration v) {
      reservationTimeout = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link AutoRelayConfig#maxCandidates()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxCandidates(int v) {
      maxCandidates = v;
      return this;
    }

    /**
     * See {@link AutoRelayConfig#clock()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder clock(Clock v) {
      clock = Objects.requireNonNull(v);
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException if minRelays is below 1, maxRelays below minRelays, a
     *     duration not positive (bootDelay and blacklistDuration may be zero) or maxCandidates below 1
     * @return the new {@code AutoRelayConfig}
     */
    public AutoRelayConfig build() {
      if (minRelays < 1) {
        throw new IllegalArgumentException("minRelays must be >= 1: " + minRelays);
      }
      if (maxRelays < minRelays) {
        throw new IllegalArgumentException("maxRelays " + maxRelays + " is below minRelays " + minRelays);
      }
      if (maxCandidates < 1) {
        throw new IllegalArgumentException("maxCandidates must be >= 1: " + maxCandidates);
      }
      positive("refreshInterval", refreshInterval);
      positive("vettingTimeout", vettingTimeout);
      positive("reservationTimeout", reservationTimeout);
      if (bootDelay.isNegative()) {
        throw new IllegalArgumentException("bootDelay must be >= 0: " + bootDelay);
      }
      positive("blacklistDuration", blacklistDuration);
      return new AutoRelayConfig(this);
    }

    private static void positive(String name, Duration d) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
    }
  }
}
