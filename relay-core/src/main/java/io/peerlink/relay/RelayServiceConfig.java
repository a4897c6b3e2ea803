package io.peerlink.relay;

import io.peerlink.relay.internal.client.RelayService;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link RelayService}: the reconnect policy and where listeners run. Immutable.
 */
public final class RelayServiceConfig {
  private static final RelayServiceConfig DEFAULTS = builder().build();

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final boolean reconnect;

  private RelayServiceConfig(Builder b) {
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.reconnect = b.reconnect;
  }

  /** {@return the defaults} */
  public static RelayServiceConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Wait before the first retry after a failed connect or a dropped relay. Default 1 s; doubles per failure.
   *
   * @return the first retry's wait
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * Longest wait between retries. Default 1 min.
   *
   * @return the longest wait between retries
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Whether the service retries on its own after a failed connect or a dropped relay, once it has
   * been asked to connect. Default true.
   *
   * @return whether the service retries on its own
   */
  public boolean reconnect() {
    return reconnect;
  }

  /** Builds a {@link RelayServiceConfig}; {@link #build()} checks the values. */
  public static final class Builder {
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(1);
    private boolean reconnect = true;

    private Builder() {}

    /**
     * See {@link RelayServiceConfig#initialBackoff()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder initialBackoff(Duration v) {
      initialBackoff = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link RelayServiceConfig#maxBackoff()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxBackoff(Duration v) {
      maxBackoff = Objects.requireNonNull(v);
      return this;
    }

    /**
     * See {@link RelayServiceConfig#reconnect()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder reconnect(boolean v) {
      reconnect = v;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException if a backoff is not positive or the maximum is below the initial
     * @return the new {@code RelayServiceConfig}
     */
    public RelayServiceConfig build() {
      if (initialBackoff.isZero() || initialBackoff.isNegative()) {
        throw new IllegalArgumentException("initialBackoff must be positive: " + initialBackoff);
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
      }
      return new RelayServiceConfig(this);
    }
  }
}
