package io.peerlink.core;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a {@link Connector} dials: retries with jittered exponential backoff, the stagger between
 * the addresses of one peer (happy eyeballs), how long TCP waits behind QUIC, and a rate limit on dial attempts. The TCP connect
 * timeout of each attempt is {@link PeerConfig#connectTimeout()}.
 *
 * <p>Immutable; build with {@link #builder()}, which validates. Defaults follow go-libp2p's swarm
 * and RFC 8305, as noted per field.
 */
public final class DialPolicy {
  private static final DialPolicy DEFAULTS = builder().build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration addressStagger;
  private final TcpDelays tcpDelays;
  private final double dialsPerSecond;
  private final int dialBurst;

  private DialPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.jitter = b.jitter;
    this.addressStagger = b.addressStagger;
    this.tcpDelays = b.tcpDelays;
    this.dialsPerSecond = b.dialsPerSecond;
    this.dialBurst = b.dialBurst;
  }

  /** {@return the defaults listed on each field} */
  public static DialPolicy defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from this policy} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAttempts = maxAttempts;
    b.initialBackoff = initialBackoff;
    b.maxBackoff = maxBackoff;
    b.jitter = jitter;
    b.addressStagger = addressStagger;
    b.tcpDelays = tcpDelays;
    b.dialsPerSecond = dialsPerSecond;
    b.dialBurst = dialBurst;
    return b;
  }

  /**
   * Attempts per dial, the first included; each attempt tries every address of the peer. Only
   * failures that may pass (refused, unreachable, timed out, dropped) are retried; a wrong peer ID
   * or a protocol mismatch fails at once. Default 3.
   *
   * @return the attempts per dial
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Wait before the first retry; it doubles for each further retry up to {@link #maxBackoff()}. Default 500 ms.
   *
   * @return the first retry's wait
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * Longest wait between attempts. Default 30 s.
   *
   * @return the longest wait between attempts
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Random spread of each wait, as a fraction: a wait of {@code b} becomes uniform in
   * {@code [b(1-jitter), b(1+jitter)]} (capped at the maximum), so peers that lost a server at the
   * same moment do not come back in step. Default 0.2.
   *
   * @return the jitter fraction, from 0 to 1
   */
  public double jitter() {
    return jitter;
  }

  /**
   * Delay before dialing a peer's next address while the previous one is still trying; a failure
   * starts the next one at once, and the first to connect wins while the rest are cancelled.
   * Default 250 ms, RFC 8305's connection attempt delay and go-libp2p's TCP delay.
   *
   * @return the delay between a peer's addresses
   */
  public Duration addressStagger() {
    return addressStagger;
  }

  /**
   * How long a peer's TCP addresses wait behind its QUIC addresses: a dial tries QUIC first and
   * starts TCP this long after the last QUIC address (at once if every attempt under way failed).
   * Default {@link TcpDelays#defaults()}: 250 ms public, 30 ms private, 0 loopback, as go-libp2p.
   *
   * @return the TCP delays
   */
  public TcpDelays tcpDelays() {
    return tcpDelays;
  }

  /**
   * Dial attempts (one address each) started per second, on average, across the connector;
   * attempts over the rate wait for their turn rather than fail. {@link Double#POSITIVE_INFINITY}
   * turns it off. Default 100/s: a burst of dials costs file descriptors and handshakes, and
   * go-libp2p likewise caps concurrent dials (160 descriptors).
   *
   * @return the average dial attempts per second
   */
  public double dialsPerSecond() {
    return dialsPerSecond;
  }

  /**
   * Dial attempts started back to back before {@link #dialsPerSecond()} applies. Default 100.
   *
   * @return the dial burst
   */
  public int dialBurst() {
    return dialBurst;
  }

  /**
   * The wait before retry number {@code retry} (1 = before the second attempt):
   * {@code min(maxBackoff, initialBackoff * 2^(retry-1))}, spread by {@link #jitter()} and capped
   * at {@link #maxBackoff()}.
   *
   * @param retry the retry number, from 1
   * @param random the source of jitter
   * @return the wait before that retry
   */
  public Duration backoff(int retry, RandomGenerator random) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry counts from 1, was " + retry);
    }
    double base = initialBackoff.toNanos() * Math.pow(2, Math.min(retry - 1, 62));
    base = Math.min(base, maxBackoff.toNanos());
    double spread = 1 + jitter * (2 * random.nextDouble() - 1);
    return Duration.ofNanos((long) Math.min(base * spread, maxBackoff.toNanos()));
  }

  @Override
  public String toString() {
    return "DialPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + ", addressStagger=" + addressStagger
        + ", tcpDelays=" + tcpDelays + ", dialsPerSecond=" + dialsPerSecond + ", dialBurst=" + dialBurst + '}';
  }

  /** Builds a {@link DialPolicy}; every setter has the default named on the getter. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private double jitter = 0.2;
    private Duration addressStagger = Duration.ofMillis(250);
    private TcpDelays tcpDelays = TcpDelays.defaults();
    private double dialsPerSecond = 100;
    private int dialBurst = 100;

    private Builder() {}

    /**
     * See {@link DialPolicy#maxAttempts()}; 1 turns retries off.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxAttempts(int v) {
      this.maxAttempts = v;
      return this;
    }

    /**
     * See {@link DialPolicy#initialBackoff()} and {@link DialPolicy#maxBackoff()}.
     *
     * @param initial the first retry's wait
     * @param max the longest wait
     * @return this builder
     */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * See {@link DialPolicy#jitter()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder jitter(double v) {
      this.jitter = v;
      return this;
    }

    /**
     * See {@link DialPolicy#addressStagger()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder addressStagger(Duration v) {
      this.addressStagger = v;
      return this;
    }

    /**
     * See {@link DialPolicy#tcpDelays()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder tcpDelays(TcpDelays v) {
      this.tcpDelays = Objects.requireNonNull(v, "tcpDelays");
      return this;
    }

    /**
     * See {@link DialPolicy#dialsPerSecond()} and {@link DialPolicy#dialBurst()}.
     *
     * @param perSecond average dial attempts per second
     * @param burst attempts allowed back to back
     * @return this builder
     */
    public Builder dialRate(double perSecond, int burst) {
      this.dialsPerSecond = perSecond;
      this.dialBurst = burst;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first invalid setting
     * @return the new {@code DialPolicy}
     */
    public DialPolicy build() {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
      }
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      Objects.requireNonNull(addressStagger, "addressStagger");
      if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max, was "
            + initialBackoff + " .. " + maxBackoff);
      }
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
      }
      if (addressStagger.isNegative()) {
        throw new IllegalArgumentException("addressStagger must not be negative, was " + addressStagger);
      }
      if (!(dialsPerSecond > 0) || dialBurst < 1) {
        throw new IllegalArgumentException("dial rate must be positive with a burst of at least 1, was "
            + dialsPerSecond + "/s burst " + dialBurst);
      }
      return new DialPolicy(this);
    }
  }
}
