package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

  @Test
  void nothingToRankGivesNothing() {
    assertThat(DialRanker.rank(List.of())).isEmpty();
  }
}
