package io.peerlink.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate limit of refusal lines, on a clock the test moves. */
class RefusalLogTest {
  private final AtomicLong clock = new AtomicLong(42);
  private final List<String> lines = new ArrayList<>();
  private final RefusalLog log = new RefusalLog(Duration.ofSeconds(1), clock::get, lines::add);

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void oneLinePerReasonPerIntervalAndTheNextSaysHowManyWentUnlogged() {
    for (int i = 0; i < 1000; i++) {
      log.refused("RATE_LIMITED", "/10.0.0." + (i % 250), "closed before its handshake");
    }
    assertThat(lines).containsExactly("refused RATE_LIMITED from /10.0.0.0: closed before its handshake");

    advance(Duration.ofMillis(999));
    log.refused("RATE_LIMITED", "/10.0.0.1", null);
    assertThat(lines).hasSize(1);

    advance(Duration.ofMillis(1));
    log.refused("RATE_LIMITED", "/10.0.0.2", null);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).isEqualTo("refused RATE_LIMITED from /10.0.0.2 (and 1000 more since the last such line)");

    advance(Duration.ofSeconds(5));
    log.refused("RATE_LIMITED", "/10.0.0.3", null);
    assertThat(lines.get(2)).isEqualTo("refused RATE_LIMITED from /10.0.0.3");
  }

  @Test
  void reasonsAreLimitedEachOnTheirOwn() {
    log.refused("TOO_MANY_INBOUND", "a", null);
    log.refused("TOO_MANY_FROM_IP", "b", null);
    log.refused("TOO_MANY_INBOUND", "c", null);
    log.refused("TOO_MANY_FROM_IP", "d", null);
    assertThat(lines).containsExactly("refused TOO_MANY_INBOUND from a", "refused TOO_MANY_FROM_IP from b");
  }

  @Test
  void pastTheLimitOfReasonsTheRestShareOneLine() {
    for (int i = 0; i < RefusalLog.MAX_REASONS + 10; i++) {
      log.refused("reason-" + i, "x", null);
    }
    assertThat(lines).hasSize(RefusalLog.MAX_REASONS + 1);
    assertThat(lines.get(RefusalLog.MAX_REASONS)).isEqualTo("refused reason-" + RefusalLog.MAX_REASONS + " from x");
  }
}
