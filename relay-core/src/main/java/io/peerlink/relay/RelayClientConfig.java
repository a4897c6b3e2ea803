package io.peerlink.relay;

import io.peerlink.relay.internal.client.RelayClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link RelayClient}. Immutable; defaults follow go-libp2p's circuit v2 client.
 *
 * <pre>{@code
 * RelayClientConfig config = RelayClientConfig.builder().reserveTimeout(Duration.ofSeconds(20)).build();
 * }</pre>
 */
public final class RelayClientConfig {
  private static final RelayClientConfig DEFAULTS = builder().build();

  private final Duration reserveTimeout;
  private final Duration connectTimeout;
  private final Duration acceptTimeout;
  private final Duration refreshSlack;
  private final Duration minRefreshInterval;
  private final Duration maxReservationLifetime;
  private final boolean requireVoucher;
  private final Clock clock;

  private RelayClientConfig(Builder b) {
    this.reserveTimeout = b.reserveTimeout;
    this.connectTimeout = b.connectTimeout;
    this.acceptTimeout = b.acceptTimeout;
    this.refreshSlack = b.refreshSlack;
    this.minRefreshInterval = b.minRefreshInterval;
    this.maxReservationLifetime = b.maxReservationLifetime;
    this.requireVoucher = b.requireVoucher;
    this.clock = b.clock;
  }

  /** {@return the defaults} */
  public static RelayClientConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Time for a RESERVE: dialing the relay (if not connected), the request and its answer. Default 60 s (go).
   *
   * @return the reserve timeout
   */
  public Duration reserveTimeout() {
    return reserveTimeout;
  }

  /**
   * Time for a CONNECT through a relay: the request and the relay's answer. Default 30 s (go).
   *
   * @return the connect timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Time a relay has to send its stop CONNECT once it opened a stop stream to us. Default 10 s (go).
   *
   * @return the accept timeout
   */
  public Duration acceptTimeout() {
    return acceptTimeout;
  }

  /**
   * How long before a reservation expires it is refreshed: at most this much, and at most half the
   * reservation's lifetime when that is shorter. Default 2 min (go's AutoRelay slack).
   *
   * @return the refresh slack
   */
  public Duration refreshSlack() {
    return refreshSlack;
  }

  /**
   * The shortest wait between two refreshes of one reservation. Default 1 s.
   *
   * @return the shortest refresh interval
   */
  public Duration minRefreshInterval() {
    return minRefreshInterval;
  }

  /**
   * The longest a reservation is believed to last: a relay's expiry further away (the wire allows
   * up to 2^64 - 1 seconds) is taken as this, so the reservation is refreshed by then. Relays grant
   * one hour (go's default). Default 24 h.
   *
   * @return the longest reservation lifetime taken from a relay
   */
  public Duration maxReservationLifetime() {
    return maxReservationLifetime;
  }

  /**
   * Whether a reservation without a voucher is refused. Default false: vouchers are optional on
   * the wire and go accepts their absence. A voucher that is present is always verified.
   *
   * @return whether a voucher is required
   */
  public boolean requireVoucher() {
    return requireVoucher;
  }

  /** {@return the clock for expiry checks; default UTC} */
  public Clock clock() {
    return clock;
  }

  /** {@return a builder holding these settings} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.reserveTimeout = reserveTimeout;
    b.connectTimeout = connectTimeout;
    b.acceptTimeout = acceptTimeout;
    b.refreshSlack = refreshSlack;
    b.minRefreshInterval = minRefreshInterval;
    b.maxReservationLifetime = maxReservationLifetime;
    b.requireVoucher = requireVoucher;
    b.clock = clock;
    return b;
  }

  /** Builds a {@link RelayClientConfig}; {@link #build()} checks the values. */
  public static final class Builder {
    private Duration reserveTimeout = Duration.ofMinutes(1);
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration acceptTimeout = Duration.ofSeconds(10);
    private Duration refreshSlack = Duration.ofMinutes(2);
    private Duration minRefreshInterval = Duration.ofSeconds(1);
    private Duration maxReservationLifetime = Duration.ofHours(24);
    private boolean requireVoucher;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * See {@link RelayClientConfig#reserveTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder reserveTimeout(Duration v) {
      reserveTimeout = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link RelayClientConfig#connectTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder connectTimeout(Duration v) {
      connectTimeout = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link RelayClientConfig#acceptTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder acceptTimeout(Duration v) {
      acceptTimeout = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link RelayClientConfig#refreshSlack()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder refreshSlack(Duration v) {
      refreshSlack = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link RelayClientConfig#minRefreshInterval()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder minRefreshInterval(Duration v) {
      minRefreshInterval = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link RelayClientConfig#maxReservationLifetime()}.
     *
     * @param v the new value, positive
     * @return this builder
     */
    public Builder maxReservationLifetime(Duration v) {
      maxReservationLifetime = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link RelayClientConfig#requireVoucher()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder requireVoucher(boolean v) {
      requireVoucher = v;
      return this;
    }

    /**
     * See {@link RelayClientConfig#clock()}.
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
     * @throws IllegalArgumentException if a timeout is not positive or the refresh settings are negative
     * @return the new {@code RelayClientConfig}
     */
    public RelayClientConfig build() {
      positive("reserveTimeout", reserveTimeout);
      positive("connectTimeout", connectTimeout);
      positive("acceptTimeout", acceptTimeout);
      positive("minRefreshInterval", minRefreshInterval);
      positive("maxReservationLifetime", maxReservationLifetime);
      if (refreshSlack.isNegative()) {
        throw new IllegalArgumentException("refreshSlack must be >= 0: " + refreshSlack);
      }
      return new RelayClientConfig(this);
    }

    private static void positive(String name, Duration d) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
    }
  }
}
