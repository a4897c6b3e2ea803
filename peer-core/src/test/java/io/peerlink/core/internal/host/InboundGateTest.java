package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.ListenerLimits;
import io.peerlink.core.RejectReason;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each limit at its boundary, with a clock the test steps. */
class InboundGateTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  private InboundGate gate(ListenerLimits.Builder b) {
    return new InboundGate(b.build(), now::get);
  }

  @Test
  void theNPlusFirstConnectionInAllIsRejectedAndAClosedOneFreesItsSlot() throws Exception {
    InboundGate g = gate(ListenerLimits.builder().maxInbound(3).maxInboundPerIp(10));
    AcceptedConn first = g.tryAccept(ip("10.0.0.1")).conn();
    assertThat(g.tryAccept(ip("10.0.0.2")).conn()).isNotNull();
    assertThat(g.tryAccept(ip("10.0.0.3")).conn()).isNotNull();
    assertThat(g.tryAccept(ip("10.0.0.4")).rejected()).isEqualTo(RejectReason.TOO_MANY_INBOUND);
    first.closed();
    first.closed(); // idempotent
    assertThat(g.tryAccept(ip("10.0.0.4")).conn()).isNotNull();
    assertThat(g.stats().rejectedByReason()).containsEntry(RejectReason.TOO_MANY_INBOUND, 1L);
    assertThat(g.stats().open()).isEqualTo(3);
  }

  @Test
  void theNPlusFirstConnectionFromOneIpIsRejectedOthersPass() throws Exception {
    InboundGate g = gate(ListenerLimits.builder().maxInboundPerIp(2));
    assertThat(g.tryAccept(ip("10.0.0.1")).conn()).isNotNull();
    AcceptedConn second = g.tryAccept(ip("10.0.0.1")).conn();
    assertThat(g.tryAccept(ip("10.0.0.1")).rejected()).isEqualTo(RejectReason.TOO_MANY_FROM_IP);
    assertThat(g.tryAccept(ip("10.0.0.2")).conn()).isNotNull();
    second.closed();
    assertThat(g.tryAccept(ip("10.0.0.1")).conn()).isNotNull();
  }

  @Test
  void theRateAllowsTheBurstThenOneTokenPerPeriod() throws Exception {
    InboundGate g = gate(ListenerLimits.builder().acceptRate(10, 3).maxInboundPerIp(100));
    for (int i = 0; i < 3; i++) {
      assertThat(g.tryAccept(ip("10.0.0.1")).conn()).isNotNull();
    }
    assertThat(g.tryAccept(ip("10.0.0.1")).rejected()).isEqualTo(RejectReason.RATE_LIMITED);
    now.addAndGet(Duration.ofMillis(99).toNanos());
    assertThat(g.tryAccept(ip("10.0.0.1")).rejected()).isEqualTo(RejectReason.RATE_LIMITED);
    now.addAndGet(Duration.ofMillis(1).toNanos()); // 100 ms: one token at 10/s
    assertThat(g.tryAccept(ip("10.0.0.1")).conn()).isNotNull();
    assertThat(g.tryAccept(ip("10.0.0.1")).rejected()).isEqualTo(RejectReason.RATE_LIMITED);
  }

  @Test
  void theCooldownRejectsASecondUpgradeFromOneIpUntilItHasPassed() throws Exception {
    InboundGate g = gate(ListenerLimits.builder().upgradeCooldown(Duration.ofSeconds(10)));
    assertThat(g.tryAccept(ip("10.0.0.1")).conn()).isNotNull();
    assertThat(g.tryAccept(ip("10.0.0.2")).conn()).isNotNull();
    now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
    assertThat(g.tryAccept(ip("10.0.0.1")).rejected()).isEqualTo(RejectReason.COOLDOWN);
    now.addAndGet(1);
    assertThat(g.tryAccept(ip("10.0.0.1")).conn()).isNotNull();
  }

  @Test
  void loopbackExemptionSkipsPerIpRateAndCooldownButNotTheTotal() throws Exception {
    InboundGate g = gate(ListenerLimits.builder().maxInbound(4).maxInboundPerIp(1).acceptRate(1, 1)
        .upgradeCooldown(Duration.ofHours(1)).exemptLoopback(true));
    for (int i = 0; i < 4; i++) {
      assertThat(g.tryAccept(ip("127.0.0.1")).conn()).isNotNull();
    }
    assertThat(g.tryAccept(ip("127.0.0.1")).rejected()).isEqualTo(RejectReason.TOO_MANY_INBOUND);
  }

  @Test
  void upgradeCountersFollowEachAcceptedConnection() throws Exception {
    InboundGate g = gate(ListenerLimits.builder());
    AcceptedConn ok = g.tryAccept(ip("10.0.0.1")).conn();
    AcceptedConn bad = g.tryAccept(ip("10.0.0.2")).conn();
    assertThat(g.stats().upgrading()).isEqualTo(2);
    ok.upgradeFinished(true);
    bad.closed(); // closed before its upgrade finished: a failure
    assertThat(g.stats().upgrading()).isZero();
    assertThat(g.stats().upgradesFailed()).isEqualTo(1);
    assertThat(g.stats().open()).isEqualTo(1);
    assertThat(g.stats().accepted()).isEqualTo(2);
  }
}
