package io.peerlink.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one rate limiter: bursts, refill, reservations ahead of time, with a clock the test steps. */
class TokenBucketTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void dialTokenBucketReservesFutureTokensInOrder() {
    TokenBucket b = new TokenBucket(2, 1, now::get); // one token every 500 ms
    assertThat(b.reserve()).isZero();
    assertThat(b.reserve()).isEqualTo(Duration.ofMillis(500).toNanos());
    assertThat(b.reserve()).isEqualTo(Duration.ofMillis(1000).toNanos());
    now.addAndGet(Duration.ofMillis(1500).toNanos());
    assertThat(b.reserve()).isZero();
  }

  @Test
  void aFullBucketAllowsItsBurstThenOneTokenPerInterval() {
    TokenBucket b = new TokenBucket(10, 3, now::get); // one token every 100 ms
    assertThat(b.isFull()).isTrue();
    assertThat(b.tryTake()).isTrue();
    assertThat(b.tryTake()).isTrue();
    assertThat(b.tryTake()).isTrue();
    assertThat(b.tryTake()).isFalse();
    advance(Duration.ofMillis(99));
    assertThat(b.tryTake()).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(b.tryTake()).isTrue();
    assertThat(b.tryTake()).isFalse();
    advance(Duration.ofSeconds(10)); // refills to capacity, no further
    assertThat(b.isFull()).isTrue();
    assertThat(b.tryTake()).isTrue();
    assertThat(b.tryTake()).isTrue();
    assertThat(b.tryTake()).isTrue();
    assertThat(b.tryTake()).isFalse();
  }

  @Test
  void hasTokenTakesNothing() {
    TokenBucket b = new TokenBucket(1, 1, now::get);
    assertThat(b.hasToken()).isTrue();
    assertThat(b.hasToken()).isTrue();
    assertThat(b.tryTake()).isTrue();
    assertThat(b.hasToken()).isFalse();
    assertThat(b.isFull()).isFalse();
  }

  @Test
  void perWindowAllowsNPerWindowToTheNanosecond() {
    TokenBucket one = TokenBucket.perWindow(1, Duration.ofSeconds(60), now::get);
    assertThat(one.tryTake()).isTrue();
    assertThat(one.tryTake()).isFalse();
    advance(Duration.ofSeconds(60).minusNanos(1));
    assertThat(one.tryTake()).isFalse();
    advance(Duration.ofNanos(1));
    assertThat(one.tryTake()).as("exactly one window later").isTrue();

    TokenBucket thirty = TokenBucket.perWindow(30, Duration.ofSeconds(60), now::get);
    for (int i = 0; i < 30; i++) {
      assertThat(thirty.tryTake()).as("token %d of the burst", i + 1).isTrue();
    }
    assertThat(thirty.tryTake()).isFalse();
    advance(Duration.ofSeconds(2)); // 60 s / 30
    assertThat(thirty.tryTake()).isTrue();
    assertThat(thirty.tryTake()).isFalse();
  }

  @Test
  void anInfiniteRateNeverRunsDry() {
    TokenBucket b = new TokenBucket(Double.POSITIVE_INFINITY, 1, now::get);
    for (int i = 0; i < 1000; i++) {
      assertThat(b.tryTake()).isTrue();
      assertThat(b.reserve()).isZero();
    }
    assertThat(b.isFull()).isTrue();
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(Double.NaN, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenBucket.perWindow(0, Duration.ofSeconds(1), now::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenBucket.perWindow(1, Duration.ZERO, now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
