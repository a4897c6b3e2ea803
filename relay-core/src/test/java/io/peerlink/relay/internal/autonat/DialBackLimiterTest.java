package io.peerlink.relay.internal.autonat;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The AutoNAT server's dial-back limits, per peer and in all, with a clock the test steps. */
class DialBackLimiterTest {
  private static final Duration WINDOW = Duration.ofSeconds(60);
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final PeerId a = Identity.generate().peerId();
  private final PeerId b = Identity.generate().peerId();
  private final PeerId c = Identity.generate().peerId();

  @Test
  void onePerPeerPerWindow() {
    DialBackLimiter l = new DialBackLimiter(1, 30, WINDOW, now::get);
    assertThat(l.acquire(a)).isNull();
    assertThat(l.acquire(a)).contains("rate limit").contains("per peer").contains("60000 ms");
    assertThat(l.acquire(b)).as("another peer has its own bucket").isNull();
    now.addAndGet(WINDOW.minusNanos(1).toNanos());
    assertThat(l.acquire(a)).isNotNull();
    now.addAndGet(1);
    assertThat(l.acquire(a)).isNull();
  }

  @Test
  void theGlobalLimitCountsEveryPeer() {
    DialBackLimiter l = new DialBackLimiter(5, 2, WINDOW, now::get);
    assertThat(l.acquire(a)).isNull();
    assertThat(l.acquire(b)).isNull();
    assertThat(l.acquire(c)).contains("rate limit").contains("in all");
    now.addAndGet(WINDOW.dividedBy(2).toNanos()); // one token back: window / limit
    assertThat(l.acquire(c)).isNull();
    assertThat(l.acquire(c)).contains("in all");
  }

  @Test
  void aRefusalTakesNoToken() {
    DialBackLimiter l = new DialBackLimiter(1, 1, WINDOW, now::get);
    assertThat(l.acquire(a)).isNull();
    assertThat(l.acquire(b)).contains("in all"); // b's own bucket must stay full
    now.addAndGet(WINDOW.toNanos());
    assertThat(l.acquire(b)).isNull();
  }

  @Test
  void peersWhoseBucketRefilledAreForgotten() {
    DialBackLimiter l = new DialBackLimiter(1, 30, WINDOW, now::get);
    l.acquire(a);
    l.acquire(b);
    assertThat(l.acquire(c)).isNull();
    assertThat(l.peersTracked()).isEqualTo(3);
    now.addAndGet(WINDOW.toNanos());
    assertThat(l.peersTracked()).isZero();
    assertThat(l.acquire(a)).isNull();
    assertThat(l.peersTracked()).isEqualTo(1);
  }

  @Test
  void aRefusedNewPeerIsNotKept() {
    DialBackLimiter l = new DialBackLimiter(1, 1, WINDOW, now::get);
    l.acquire(a);
    assertThat(l.acquire(b)).isNotNull();
    assertThat(l.peersTracked()).isEqualTo(1);
  }
}
