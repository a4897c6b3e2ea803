package io.peerlink.core.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A token bucket, the one rate limiter of peerlink's layers: it holds up to {@code capacity}
 * tokens (the burst), starts full, and refills continuously at a fixed rate; each admitted action
 * takes one token. peer-core limits dial attempts and accepted connections with it; relay-core's
 * AutoNAT server limits dial-backs (one bucket per requesting peer and one for all); an upper
 * layer that needs "at most N per period, with bursts of N" uses {@link #perWindow}.
 *
 * <p>Over any interval of length {@code t}, at most {@code capacity + rate × t} tokens are taken.
 * An infinite rate never runs dry. A bucket that has {@linkplain #isFull() refilled} behaves like
 * a new one, so a caller keeping one bucket per key can drop it.
 *
 * <p>Thread-safe. The clock is a nanosecond source ({@code System::nanoTime} in production) so
 * tests can step it.
 */
public final class TokenBucket {
  private final double nanosPerToken;
  private final double capacity;
  private final LongSupplier clock;
  private double tokens;
  private long last;

  /**
   * A full bucket refilled at {@code perSecond} tokens per second.
   *
   * @param perSecond tokens added per second; positive, {@code Double.POSITIVE_INFINITY} for no limit
   * @param capacity the most tokens held, at least 1: the burst allowed at once
   * @param nanoClock the clock, in nanoseconds
   * @throws IllegalArgumentException if the rate is not positive or the capacity below 1
   */
  public TokenBucket(double perSecond, int capacity, LongSupplier nanoClock) {
    this(nanoClock, nanosPerToken(perSecond), capacity);
  }

  private TokenBucket(LongSupplier nanoClock, double nanosPerToken, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.nanosPerToken = nanosPerToken;
    this.capacity = capacity;
    this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.tokens = capacity;
    this.last = nanoClock.getAsLong();
  }

  /**
   * A full bucket of {@code tokens} that refills {@code tokens} per {@code window}: up to
   * {@code tokens} at once, then one every {@code window / tokens}.
   *
   * @param tokens the capacity and the tokens added per window, at least 1
   * @param window the refill period, positive
   * @param nanoClock the clock, in nanoseconds
   * @return the bucket
   * @throws IllegalArgumentException if {@code tokens} is below 1 or the window not positive
   */
  public static TokenBucket perWindow(int tokens, Duration window, LongSupplier nanoClock) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive: " + window);
    }
    if (tokens < 1) {
      throw new IllegalArgumentException("tokens must be at least 1: " + tokens);
    }
    return new TokenBucket(nanoClock, (double) window.toNanos() / tokens, tokens);
  }

  private static double nanosPerToken(double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("perSecond must be positive: " + perSecond);
    }
    return 1e9 / perSecond; // 0 for an infinite rate
  }

  /**
   * Takes a token if there is one.
   *
   * @return whether a token was taken
   */
  public synchronized boolean tryTake() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /**
   * Whether {@link #tryTake()} would succeed now; takes nothing. For a caller that checks several
   * buckets before taking from all of them.
   *
   * @return whether a token is available
   */
  public synchronized boolean hasToken() {
    refill();
    return tokens >= 1;
  }

  /**
   * Takes a token now and returns 0, or, if none is left, reserves the next one and returns how
   * many nanoseconds until it is due (the caller waits that long; later callers queue behind it).
   *
   * @return nanoseconds to wait before acting, 0 for none
   */
  public synchronized long reserve() {
    refill();
    tokens -= 1;
    if (tokens >= 0) {
      return 0;
    }
    return (long) Math.ceil(-tokens * nanosPerToken);
  }

  /**
   * Whether the bucket holds its full capacity, as a new bucket does.
   *
   * @return whether the bucket is full
   */
  public synchronized boolean isFull() {
    refill();
    return tokens >= capacity;
  }

  private void refill() {
    if (nanosPerToken == 0) {
      tokens = capacity;
      return;
    }
    long now = clock.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) / nanosPerToken);
    last = now;
  }
}
