package io.peerlink.relay.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.server.RelayLimiter;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReservationTableTest {

  private static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L);
  private static final Duration TTL = Duration.ofHours(1);
  private final Object conn = new Object();

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  private static PeerId peer() {
    return Identity.generate().peerId();
  }

  private static Multiaddr addr(String ip) {
    return Multiaddr.parse("/ip4/" + ip + "/tcp/4001");
  }

  @Test
  void expiryIsExclusiveAndSweeps() throws Exception {
    ReservationTable t = new ReservationTable(RelayLimiter.defaults());
    PeerId p = peer();
    assertThat(t.reserve(p, addr("198.51.100.7"), ip("198.51.100.7"), T0.plus(TTL), conn, T0).accepted()).isTrue();
    assertThat(t.active(p, T0.plus(TTL))).isPresent();           // valid through its expiry second
    assertThat(t.active(p, T0.plus(TTL).plusMillis(1))).isEmpty(); // lapsed after it
    assertThat(t.expire(T0.plus(TTL))).isEmpty();
    assertThat(t.expire(T0.plus(TTL).plusSeconds(1))).hasSize(1);
    assertThat(t.size()).isZero();
    assertThat(t.countForIp(ip("198.51.100.7"))).isZero();
  }

  @Test
  void refreshExtendsAndReportsRenewal() throws Exception {
    ReservationTable t = new ReservationTable(RelayLimiter.defaults());
    PeerId p = peer();
    t.reserve(p, addr("198.51.100.7"), ip("198.51.100.7"), T0.plus(TTL), conn, T0);
    ReservationTable.Outcome again = t.reserve(p, addr("198.51.100.7"), ip("198.51.100.7"),
        T0.plusSeconds(1800).plus(TTL), conn, T0.plusSeconds(1800));
    assertThat(again.renewal()).isTrue();
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.countForIp(ip("198.51.100.7"))).isEqualTo(1);
    assertThat(t.active(p, T0.plus(TTL).plusSeconds(1))).isPresent();
  }

  @Test
  void perIpLimitAtItsBoundaryAndRefreshAtTheLimit() throws Exception {
    ReservationTable t = new ReservationTable(RelayLimiter.builder().maxReservationsPerIp(2).build());
    PeerId a = peer();
    PeerId b = peer();
    InetAddress ip = ip("203.0.113.9");
    assertThat(t.reserve(a, addr("203.0.113.9"), ip, T0.plus(TTL), conn, T0).accepted()).isTrue();
    assertThat(t.reserve(b, addr("203.0.113.9"), ip, T0.plus(TTL), conn, T0).accepted()).isTrue();
    ReservationTable.Outcome third = t.reserve(peer(), addr("203.0.113.9"), ip, T0.plus(TTL), conn, T0);
    assertThat(third.accepted()).isFalse();
    assertThat(third.refusal()).isEqualTo(ReservationTable.Refusal.PER_IP);
    // another IP is fine; a refresh at the limit is fine
    assertThat(t.reserve(peer(), addr("203.0.113.10"), ip("203.0.113.10"), T0.plus(TTL), conn, T0).accepted()).isTrue();
    assertThat(t.reserve(a, addr("203.0.113.9"), ip, T0.plus(TTL), conn, T0).accepted()).isTrue();
  }

  @Test
  void totalLimitAndExpiredSlotsFreed() throws Exception {
    ReservationTable t = new ReservationTable(RelayLimiter.builder().maxReservations(1).build());
    assertThat(t.reserve(peer(), addr("198.51.100.1"), ip("198.51.100.1"), T0.plus(TTL), conn, T0).accepted()).isTrue();
    ReservationTable.Outcome refused = t.reserve(peer(), addr("198.51.100.2"), ip("198.51.100.2"), T0.plus(TTL), conn, T0);
    assertThat(refused.refusal()).isEqualTo(ReservationTable.Refusal.TOTAL);
    Instant later = T0.plus(TTL).plusSeconds(1);
    assertThat(t.reserve(peer(), addr("198.51.100.2"), ip("198.51.100.2"), later.plus(TTL), conn, later).accepted()).isTrue();
  }

  @Test
  void zeroMeansUnlimited() throws Exception {
    ReservationTable t = new ReservationTable(RelayLimiter.unlimited());
    for (int i = 0; i < 300; i++) {
      assertThat(t.reserve(peer(), addr("198.51.100.1"), ip("198.51.100.1"), T0.plus(TTL), conn, T0).accepted()).isTrue();
    }
  }

  @Test
  void removalOnlyByTheOwningConnection() throws Exception {
    ReservationTable t = new ReservationTable(RelayLimiter.defaults());
    PeerId p = peer();
    Object first = new Object();
    Object second = new Object();
    t.reserve(p, addr("198.51.100.1"), ip("198.51.100.1"), T0.plus(TTL), first, T0);
    t.reserve(p, addr("198.51.100.1"), ip("198.51.100.1"), T0.plus(TTL), second, T0); // refreshed on a new connection
    assertThat(t.remove(p, first)).isFalse();
    assertThat(t.active(p, T0)).isPresent();
    assertThat(t.remove(p, second)).isTrue();
    assertThat(t.active(p, T0)).isEmpty();
    assertThat(t.countForIp(ip("198.51.100.1"))).isZero();
  }

  @Test
  void noIpRefused() {
    ReservationTable t = new ReservationTable(RelayLimiter.defaults());
    assertThat(t.reserve(peer(), Multiaddr.parse("/dns4/example.com/tcp/1"), null, T0.plus(TTL), conn, T0).refusal())
        .isEqualTo(ReservationTable.Refusal.NO_IP);
  }
}
