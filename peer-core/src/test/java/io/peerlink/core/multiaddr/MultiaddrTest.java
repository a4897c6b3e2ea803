package io.peerlink.core.multiaddr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiaddrTest {
  private static final String ED_ID = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
  private static final String ED_CID = "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6";
  private static final String SHA_ID = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";

  /**
   * Text and binary forms that must match: each protocol's varint code, then its value (length
   * prefixed when it has no fixed size), as the multiaddr spec encodes them.
   */
  @ParameterizedTest
  @CsvSource({
    "/ip4/127.0.0.1/tcp/4001, 047f000001060fa1",
    "/ip6/::1/tcp/4001, 2900000000000000000000000000000001060fa1",
    "/dns4/example.com/tcp/443, 360b6578616d706c652e636f6d0601bb",
    "/p2p/" + ED_ID + ", a503260024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
    "/p2p-circuit, a202",
  })
  void workedExamplesBothWays(String text, String hex) {
    byte[] bytes = hex(hex);

    assertThat(Multiaddr.parse(text).bytes()).isEqualTo(bytes);
    assertThat(Multiaddr.fromBytes(bytes)).hasToString(text);
    assertThat(Multiaddr.fromBytes(bytes)).isEqualTo(Multiaddr.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "/ip4/0.0.0.0/tcp/0",
    "/ip4/255.255.255.255/udp/65535/quic-v1",
    "/ip6/2001:db8::1/tcp/443/tls/sni/example.com/ws",
    "/ip6/::ffff:1.2.3.4/tcp/1",
    "/ip6zone/eth0/ip6/fe80::1/tcp/4001",
    "/dns/example.com/tcp/443/wss",
    "/dns6/host/tcp/1/noise",
    "/dnsaddr/bootstrap.libp2p.io/p2p/" + SHA_ID,
    "/ip4/1.2.3.4/udp/4001/quic/webtransport",
    "/ip4/1.2.3.4/tcp/1/p2p/" + ED_ID + "/p2p-circuit/p2p/" + SHA_ID,
    "/p2p-circuit",
  })
  void roundTripsThroughBinary(String text) {
    Multiaddr a = Multiaddr.parse(text);
    Multiaddr b = Multiaddr.fromBytes(a.bytes());

    assertThat(b).hasToString(text).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(b.bytes()).isEqualTo(a.bytes());
    assertThat(Multiaddr.of(a.components())).isEqualTo(a);
  }

  @Test
  void ipfsAliasAndCidTextBecomeP2pWithMultihash() {
    Multiaddr alias = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/ipfs/" + ED_ID);
    Multiaddr cid = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + ED_CID);

    assertThat(alias).hasToString("/ip4/1.2.3.4/tcp/1/p2p/" + ED_ID);
    assertThat(cid).isEqualTo(alias);
    byte[] b = cid.bytes();
    // a5 03 <len 0x26> <multihash>: the CID prefix 01 72 is gone.
    assertThat(Arrays.copyOfRange(b, b.length - 0x26 - 3, b.length - 0x26)).isEqualTo(hex("a50326"));
    assertThat(cid.peerId()).contains(PeerId.parse(ED_ID));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "/",
    "ip4/1.2.3.4",
    "/ip5/1.2.3.4",
    "/ip4",
    "/ip4/1.2.3.4/tcp",
    "/ip4/1.2.3.256",
    "/ip4/01.2.3.4",
    "/ip4/1.2.3",
    "/ip4/1.2.3.4.5",
    "/ip4/example.com",
    "/ip4/1.2.3.4/tcp/65536",
    "/ip4/1.2.3.4/tcp/-1",
    "/ip4/1.2.3.4/tcp/+1",
    "/ip4/1.2.3.4/tcp/",
    "/ip4/1.2.3.4//tcp/1",
    "/dns4//tcp/1",
    "/ip6/1.2.3.4",
    "/ip6/fe80::1%eth0",
    "/p2p/notapeerid",
    "/p2p/bafybeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", // CID, but not libp2p-key
    "/p2p-circuit/x",
    "/unix/tmp/sock", // not supported
  })
  void rejectsBadText(String text) {
    assertThatThrownBy(() -> Multiaddr.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", // empty
    "63", // unknown code 99
    "e703", // unknown code 487
    "047f0000", // ip4 cut short
    "047f000001060f", // tcp cut short
    "a5", // varint cut short
    "a50326", // p2p length but no value
    "a50326" + "0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce2", // one short
    "a503051402abcdef", // p2p value that is not an allowed multihash
    "3600", // empty dns4 name
    "36032f6162", // dns4 name with '/'
    "3602c328", // dns4 name that is not UTF-8
    "8400", // varint 4 written non-minimally
    "36ffffffffffffffff7f", // absurd length
  })
  void rejectsBadBinary(String hex) {
    assertThatThrownBy(() -> Multiaddr.fromBytes(hex(hex))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void relayAddress() {
    PeerId relay = Identity.generate().peerId();
    PeerId target = Identity.generate().peerId();
    Multiaddr a = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + relay + "/p2p-circuit/p2p/" + target);

    assertThat(a.peerId()).contains(target);
    assertThat(a.isRelayed()).isTrue();
    assertThat(a.withoutPeerId()).hasToString("/ip4/1.2.3.4/tcp/1/p2p/" + relay + "/p2p-circuit");
    // A relay listen address names no peer of its own: the relay's ID is not the target's.
    assertThat(a.withoutPeerId().peerId()).isEmpty();
    assertThat(a.decapsulate(Protocol.P2P_CIRCUIT)).hasToString("/ip4/1.2.3.4/tcp/1/p2p/" + relay);
    assertThat(a.decapsulate(Protocol.P2P_CIRCUIT).peerId()).contains(relay);
    assertThat(a.toSocketAddress()).isEmpty();
    assertThat(Multiaddr.parse("/ip4/1.2.3.4/tcp/1").isRelayed()).isFalse();
  }

  @Test
  void withPeerIdAppendsOnce() {
    PeerId id = PeerId.parse(ED_ID);
    Multiaddr base = Multiaddr.parse("/ip4/1.2.3.4/tcp/1");
    Multiaddr full = base.withPeerId(id);

    assertThat(full).hasToString("/ip4/1.2.3.4/tcp/1/p2p/" + ED_ID);
    assertThat(full.withPeerId(id)).isSameAs(full);
    assertThat(full.withoutPeerId()).isEqualTo(base);
    assertThat(base.withoutPeerId()).isSameAs(base);
    assertThat(base.peerId()).isEmpty();
    assertThatThrownBy(() -> full.withPeerId(PeerId.parse(SHA_ID)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encapsulateAndDecapsulate() {
    Multiaddr a = Multiaddr.parse("/ip4/1.2.3.4/tcp/1");
    Multiaddr ws = Multiaddr.parse("/ws");
    Multiaddr both = a.encapsulate(ws);

    assertThat(both).hasToString("/ip4/1.2.3.4/tcp/1/ws");
    assertThat(both.decapsulate(ws)).isEqualTo(a);
    assertThat(both.decapsulate(Multiaddr.parse("/tcp/1"))).hasToString("/ip4/1.2.3.4");
    assertThat(both.decapsulate(Multiaddr.parse("/tcp/2"))).isSameAs(both);
    assertThat(both.decapsulate(Protocol.IP4).components()).isEmpty();
    assertThat(both.contains(Protocol.WS)).isTrue();
    assertThat(both.contains(Protocol.WSS)).isFalse();
  }

  @Test
  void socketAddressConversions() throws Exception {
    assertThat(Multiaddr.fromSocketAddress(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4001)))
        .hasToString("/ip4/127.0.0.1/tcp/4001");
    assertThat(Multiaddr.fromSocketAddress(new InetSocketAddress(InetAddress.getByName("::1"), 80)))
        .hasToString("/ip6/::1/tcp/80");
    assertThatThrownBy(() -> Multiaddr.fromSocketAddress(InetSocketAddress.createUnresolved("example.com", 1)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(Multiaddr.parse("/ip4/10.0.0.1/tcp/65535").toSocketAddress())
        .contains(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 65535));
    assertThat(Multiaddr.parse("/ip6/2001:db8::1/tcp/1/p2p/" + ED_ID).toSocketAddress())
        .contains(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1));
    InetSocketAddress dns = Multiaddr.parse("/dns4/example.com/tcp/443").toSocketAddress().orElseThrow();
    assertThat(dns.isUnresolved()).isTrue();
    assertThat(dns.getHostString()).isEqualTo("example.com");
    assertThat(dns.getPort()).isEqualTo(443);
    // IPv4-mapped ip6 stays ip6 in the multiaddr; the JDK hands back an IPv4 address to dial.
    assertThat(Multiaddr.parse("/ip6/::ffff:1.2.3.4/tcp/1").toSocketAddress().orElseThrow().getAddress())
        .isInstanceOf(Inet4Address.class);

    assertThat(Multiaddr.parse("/ip4/1.2.3.4/udp/1").toSocketAddress()).isEmpty();
    // QUIC v1: not a TCP socket address, but a transport one (its UDP socket).
    Multiaddr quic = Multiaddr.parse("/ip4/1.2.3.4/udp/4001/quic-v1/p2p/" + ED_ID);
    assertThat(quic.isQuic()).isTrue();
    assertThat(quic.toSocketAddress()).isEmpty();
    assertThat(quic.toTransportSocketAddress()).contains(new InetSocketAddress(InetAddress.getByName("1.2.3.4"), 4001));
    assertThat(Multiaddr.parse("/dns6/example.com/udp/443/quic-v1").toTransportSocketAddress().orElseThrow().isUnresolved())
        .isTrue();
    assertThat(Multiaddr.parse("/ip4/1.2.3.4/tcp/1").toTransportSocketAddress())
        .contains(new InetSocketAddress(InetAddress.getByName("1.2.3.4"), 1));
    assertThat(Multiaddr.parse("/ip4/1.2.3.4/udp/1/quic-v1/webtransport").isQuic()).isFalse();
    assertThat(Multiaddr.parse("/ip4/1.2.3.4/udp/1/quic-v1/webtransport").toTransportSocketAddress()).isEmpty();
    assertThat(Multiaddr.parse("/ip4/1.2.3.4/udp/1").toTransportSocketAddress()).isEmpty();
    assertThat(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/ws").toSocketAddress()).isEmpty();
    assertThat(Multiaddr.parse("/dnsaddr/example.com/tcp/1").toSocketAddress()).isEmpty();
    assertThat(Multiaddr.parse("/ip4/1.2.3.4").toSocketAddress()).isEmpty();
  }

  @Test
  void ipv4MappedIp6KeepsItsSixteenBytes() {
    Multiaddr a = Multiaddr.parse("/ip6/::ffff:1.2.3.4/tcp/1");
    assertThat(a.bytes()).isEqualTo(hex("2900000000000000000000ffff01020304060001"));
  }

  @Test
  void isImmutable() {
    Multiaddr a = Multiaddr.parse("/ip4/1.2.3.4/tcp/1");
    a.bytes()[1] = 9;
    a.components().get(0).value()[0] = 9;

    assertThat(a).hasToString("/ip4/1.2.3.4/tcp/1");
    assertThatThrownBy(() -> a.components().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void componentsCarryBinaryAndTextValues() {
    Multiaddr a = Multiaddr.parse("/dns4/example.com/tcp/443/p2p/" + ED_ID + "/p2p-circuit");

    assertThat(a.components()).extracting(Component::protocol)
        .containsExactly(Protocol.DNS4, Protocol.TCP, Protocol.P2P, Protocol.P2P_CIRCUIT);
    assertThat(a.components()).extracting(Component::textValue)
        .containsExactly("example.com", "443", ED_ID, "");
    assertThat(a.components().get(1).value()).isEqualTo(hex("01bb"));
    assertThat(a.components().get(1)).isEqualTo(Component.of(Protocol.TCP, "443")).hasToString("/tcp/443");
    assertThatThrownBy(() -> Component.of(Protocol.TLS, "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Component(Protocol.IP4, new byte[3])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trailingSlashIsIgnored() {
    assertThat(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/")).isEqualTo(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"));
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
