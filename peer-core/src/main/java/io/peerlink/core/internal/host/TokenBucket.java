package io.peerlink.core.internal.host;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code capacity} tokens, refilled at {@code perSecond}. Thread-safe. The clock is
 * a nanosecond source so tests can step it.
 */
public final class TokenBucket {
  private final double perNano;
  private final double capacity;
  private final LongSupplier clock;
  private double tokens;
  private long last;

  /** A full bucket; an infinite rate never runs dry. */
  public TokenBucket(double perSecond, int capacity, LongSupplier nanoClock) {
    this.perNano = perSecond / 1e9;
    this.capacity = capacity;
    this.clock = nanoClock;
    this.tokens = capacity;
    this.last = nanoClock.getAsLong();
  }

  /** Takes a token if there is one. */
  public synchronized boolean tryTake() {
    return delayNanos() == 0;
  }

  /**
   * Takes a token now and returns 0, or, if none is left, reserves the next one and returns how
   * many nanoseconds until it is due (the caller waits that long; later callers queue behind it).
   */
  public synchronized long reserve() {
    refill();
    tokens -= 1;
    if (tokens >= 0) {
      return 0;
    }
    return (long) Math.ceil(-tokens / perNano);
  }

  private long delayNanos() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return 1;
  }

  private void refill() {
    if (Double.isInfinite(perNano)) {
      tokens = capacity;
      return;
    }
    long now = clock.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) * perNano);
    last = now;
  }
}
