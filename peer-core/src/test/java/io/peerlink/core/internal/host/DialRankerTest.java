package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.TcpDelays;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order a dial tries a peer's addresses in. */
class DialRankerTest {

  private static DialTarget target(String ip) {
    try {
      InetSocketAddress s = new InetSocketAddress(InetAddress.getByName(ip), 4001);
      return new DialTarget(s, Multiaddr.fromSocketAddress(s));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Ranks the addresses and returns them as text, in dial order. */
  private static List<String> rank(String... ips) {
    List<DialTarget> in = Arrays.stream(ips).map(DialRankerTest::target).toList();
    return DialRanker.rank(in).stream().map(t -> t.socket().getAddress().getHostAddress()).toList();
  }

  @Test
  void loopbackComesBeforePrivateWhichComesBeforePublic() {
    assertThat(rank("8.8.8.8", "192.168.1.5", "127.0.0.1"))
        .containsExactly("127.0.0.1", "192.168.1.5", "8.8.8.8");
  }

  @Test
  void everyPrivateRangeRanksAsPrivate() {
    // 10/8, 172.16/12 and 192.168/16 (site-local), 169.254/16 and fe80::/10 (link-local),
    // fc00::/7 (IPv6 unique local): all between loopback and public, in the order given.
    assertThat(rank("1.1.1.1", "10.0.0.1", "::1", "fd00::1", "172.16.0.1", "fe80::1", "169.254.0.1",
        "fc00::2", "192.168.0.1"))
        .containsExactly("0:0:0:0:0:0:0:1",
            "fd00:0:0:0:0:0:0:1", "10.0.0.1", "fe80:0:0:0:0:0:0:1", "172.16.0.1", "fc00:0:0:0:0:0:0:2",
            "169.254.0.1", "192.168.0.1",
            "1.1.1.1");
  }

  @Test
  void withinAScopeIpv6AndIpv4AlternateIpv6First() {
    assertThat(rank("1.1.1.1", "2.2.2.2", "3.3.3.3", "2001:db8::1", "2001:db8::2"))
        .containsExactly("2001:db8:0:0:0:0:0:1", "1.1.1.1", "2001:db8:0:0:0:0:0:2", "2.2.2.2", "3.3.3.3");
  }

  @Test
  void theFamiliesAlternateInEachScopeOnItsOwn() {
    assertThat(rank("8.8.8.8", "2001:db8::8", "10.0.0.1", "fd00::1", "10.0.0.2", "127.0.0.1", "::1"))
        .containsExactly(
            "0:0:0:0:0:0:0:1", "127.0.0.1",
            "fd00:0:0:0:0:0:0:1", "10.0.0.1", "10.0.0.2",
            "2001:db8:0:0:0:0:0:8", "8.8.8.8");
  }

  @Test
  void oneFamilyInOneScopeKeepsTheGivenOrder() {
    assertThat(rank("9.9.9.9", "1.1.1.1", "5.5.5.5")).containsExactly("9.9.9.9", "1.1.1.1", "5.5.5.5");
    assertThat(rank("2001:db8::9", "2001:db8::1"))
        .containsExactly("2001:db8:0:0:0:0:0:9", "2001:db8:0:0:0:0:0:1");
  }

  @Test
  void theMultiaddrTravelsWithItsSocketAndTheInputIsNotChanged() {
    List<DialTarget> in = new ArrayList<>(List.of(target("8.8.8.8"), target("127.0.0.1")));
    List<DialTarget> before = List.copyOf(in);
    List<DialTarget> out = DialRanker.rank(in);
    assertThat(in).isEqualTo(before);
    assertThat(out).containsExactly(before.get(1), before.get(0));
    assertThat(out.get(0).addr()).isEqualTo(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));
  }

  private static DialTarget quic(String ip, int port) {
    try {
      InetSocketAddress s = new InetSocketAddress(InetAddress.getByName(ip), port);
      return new DialTarget(s, TransportAddress.quic(s));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static DialTarget tcp(String ip, int port) {
    try {
      InetSocketAddress s = new InetSocketAddress(InetAddress.getByName(ip), port);
      return new DialTarget(s, Multiaddr.fromSocketAddress(s));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void quicComesBeforeTcpWithinEachScope() {
    DialTarget pubTcp = tcp("8.8.8.8", 1);
    DialTarget pubQuic = quic("8.8.8.8", 2);
    DialTarget lanTcp = tcp("10.0.0.1", 3);
    DialTarget lanQuic6 = quic("fd00::1", 4);
    DialTarget lanQuic4 = quic("10.0.0.1", 5);
    DialTarget loTcp = tcp("127.0.0.1", 6);
    DialTarget loQuic = quic("127.0.0.1", 7);
    assertThat(DialRanker.rank(List.of(pubTcp, lanTcp, loTcp, pubQuic, lanQuic4, lanQuic6, loQuic)))
        .containsExactly(loQuic, loTcp, lanQuic6, lanQuic4, lanTcp, pubQuic, pubTcp);
  }

  @Test
  void theFirstTcpAfterQuicWaitsItsScopesDelayAndTheRestTheStagger() {
    Duration stagger = Duration.ofMillis(250);
    TcpDelays delays = TcpDelays.of(Duration.ofMillis(300), Duration.ofMillis(30), Duration.ofMillis(7));
    List<DialTarget> ranked = DialRanker.rank(List.of(tcp("127.0.0.1", 1), quic("127.0.0.1", 2),
        tcp("10.0.0.1", 3), tcp("10.0.0.2", 4), quic("10.0.0.1", 5),
        tcp("8.8.8.8", 6), quic("8.8.8.8", 7), quic("2001:db8::1", 8)));
    assertThat(DialRanker.gaps(ranked, stagger, delays)).containsExactly(
        Duration.ZERO, Duration.ofMillis(7), // loopback QUIC, then TCP after the loopback delay
        stagger, Duration.ofMillis(30), stagger, // private QUIC, two TCP: the first after 30 ms
        stagger, stagger, Duration.ofMillis(300)); // public QUIC v6, v4, then TCP after 300 ms
  }

  @Test
  void tcpAloneWaitsOnlyTheStagger() {
    Duration stagger = Duration.ofMillis(250);
    List<DialTarget> ranked = DialRanker.rank(List.of(tcp("8.8.8.8", 1), tcp("9.9.9.9", 2)));
    assertThat(DialRanker.gaps(ranked, stagger, TcpDelays.defaults()))
        .containsExactly(Duration.ZERO, stagger);
  }

  @Test
  void theDefaultsAreGoLibp2psDelays() {
    assertThat(TcpDelays.defaults().publicAddress()).isEqualTo(Duration.ofMillis(250));
    assertThat(TcpDelays.defaults().privateAddress()).isEqualTo(Duration.ofMillis(30));
    assertThat(TcpDelays.defaults().loopback()).isZero();
    assertThatThrownBy(() -> TcpDelays.of(Duration.ofMillis(-1), Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nothingToRankGivesNothing() {
    assertThat(DialRanker.rank(List.of())).isEmpty();
  }
}
