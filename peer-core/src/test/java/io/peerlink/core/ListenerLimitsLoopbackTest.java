package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each inbound limit at its boundary over real TCP: the N+1st connection is closed before its handshake. */
class ListenerLimitsLoopbackTest extends PeerTestSupport {
  private final LinkedBlockingQueue<RejectReason> rejections = new LinkedBlockingQueue<>();

  private Listener limited(ListenerLimits limits) {
    return listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK).limits(limits)
        .eventListener(new EventListener() {
          @Override
          public void inboundRefused(InetSocketAddress remote, RejectReason reason) {
            assertThat(remote.getAddress().isLoopbackAddress()).isTrue();
            rejections.add(reason);
          }
        }));
  }

  private void expectRejected(Listener server, RejectReason reason, long count) throws Exception {
    Connector c = connector();
    assertThatThrownBy(() -> get(c.connect(server.listenAddresses().get(0))))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(PeerException.class);
    assertThat(rejections.poll(10, TimeUnit.SECONDS)).isEqualTo(reason);
    ListenerStats stats = server.stats();
    assertThat(stats.rejectedByReason()).containsEntry(reason, count);
    assertThat(stats.rejected()).isEqualTo(count);
  }

  @Test
  void maxInboundRejectsTheNPlusFirstAndAdmitsAgainAfterAClose() throws Exception {
    Listener server = limited(ListenerLimits.builder().maxInbound(3).build());
    Peer first = get(connector().connect(server.listenAddresses().get(0)));
    get(connector().connect(server.listenAddresses().get(0)));
    get(connector().connect(server.listenAddresses().get(0)));
    assertThat(server.stats().open()).isEqualTo(3);
    expectRejected(server, RejectReason.TOO_MANY_INBOUND, 1);
    assertThat(server.stats().accepted()).isEqualTo(3);

    get(first.close());
    await("the server to see the close", () -> server.stats().open() == 2);
    assertThat(get(connector().connect(server.listenAddresses().get(0))).isOpen()).isTrue();
  }

  @Test
  void maxInboundPerIpRejectsTheNPlusFirstFromOneAddress() throws Exception {
    Listener server = limited(ListenerLimits.builder().maxInboundPerIp(2).build());
    get(connector().connect(server.listenAddresses().get(0)));
    get(connector().connect(server.listenAddresses().get(0)));
    expectRejected(server, RejectReason.TOO_MANY_FROM_IP, 1);
  }

  @Test
  void acceptRateRejectsBeyondTheBurst() throws Exception {
    // 1 per hour: no token comes back during the test, so the boundary is exact.
    Listener server = limited(ListenerLimits.builder().acceptRate(1.0 / 3600, 2).build());
    get(connector().connect(server.listenAddresses().get(0)));
    get(connector().connect(server.listenAddresses().get(0)));
    expectRejected(server, RejectReason.RATE_LIMITED, 1);
    expectRejected(server, RejectReason.RATE_LIMITED, 2);
  }

  @Test
  void upgradeCooldownRejectsASecondConnectionFromTheSameIp() throws Exception {
    Listener server = limited(ListenerLimits.builder().upgradeCooldown(Duration.ofHours(1)).build());
    get(connector().connect(server.listenAddresses().get(0)));
    expectRejected(server, RejectReason.COOLDOWN, 1);
  }

  @Test
  void loopbackExemptionLetsLocalPeersPast() throws Exception {
    Listener server = limited(ListenerLimits.builder().maxInboundPerIp(1).exemptLoopback(true).build());
    get(connector().connect(server.listenAddresses().get(0)));
    get(connector().connect(server.listenAddresses().get(0)));
    assertThat(server.stats().rejected()).isZero();
  }

  @Test
  void aSlowPeerIsCutAtTheHandshakeDeadlineAndCountedAsFailed() throws Exception {
    Listener server = listen(Listener.builder(Identity.generate())
        .config(FAST.toBuilder().handshakeTimeout(Duration.ofMillis(300)).build()).listenOn(LOOPBACK));
    InetSocketAddress addr = server.listenAddresses().get(0).toSocketAddress().orElseThrow();
    try (Socket silent = new Socket(addr.getAddress(), addr.getPort())) {
      silent.setSoTimeout(10_000);
      // The server speaks first (multistream header), then gives up on us and closes.
      InputStream in = silent.getInputStream();
      while (in.read() >= 0) {
        // drain until the server closes
      }
    }
    // The client sees EOF once the socket is closed, possibly before the server's close listener
    // has taken the connection off the open count: wait for both.
    await("the failed upgrade to be counted and closed",
        () -> server.stats().upgradesFailed() == 1 && server.stats().open() == 0);
    assertThat(server.stats().upgradesFailed()).isEqualTo(1);
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> ListenerLimits.builder().maxInbound(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInbound");
    assertThatThrownBy(() -> ListenerLimits.builder().acceptRate(0, 1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acceptsPerSecond");
    assertThatThrownBy(() -> ListenerLimits.builder().upgradeCooldown(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upgradeCooldown");
  }
}
