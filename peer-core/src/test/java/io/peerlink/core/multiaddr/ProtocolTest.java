package io.peerlink.core.multiaddr;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.internal.Varint;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolTest {

  /** Codes, varint bytes and value sizes from multiformats' protocols.csv, the multiaddr code table. */
  @ParameterizedTest
  @CsvSource({
    "ip4, 4, 04, 32", "tcp, 6, 06, 16", "ip6, 41, 29, 128", "ip6zone, 42, 2a, -1",
    "dns, 53, 35, -1", "dns4, 54, 36, -1", "dns6, 55, 37, -1", "dnsaddr, 56, 38, -1",
    "udp, 273, 9102, 16", "p2p-circuit, 290, a202, 0", "p2p, 421, a503, -1",
    "tls, 448, c003, 0", "sni, 449, c103, -1", "noise, 454, c603, 0", "quic, 460, cc03, 0",
    "quic-v1, 461, cd03, 0", "webtransport, 465, d103, 0", "ws, 477, dd03, 0", "wss, 478, de03, 0",
  })
  void table(String name, int code, String varint, int size) {
    Protocol p = Protocol.forName(name).orElseThrow();

    assertThat(p.code()).isEqualTo(code);
    assertThat(p.size()).isEqualTo(size);
    assertThat(p.protocolName()).isEqualTo(name);
    assertThat(p).hasToString(name);
    assertThat(Protocol.forCode(code)).contains(p);
    assertThat(Varint.encode(p.code())).isEqualTo(HexFormat.of().parseHex(varint));
  }

  @Test
  void ipfsIsAnAliasOfP2p() {
    assertThat(Protocol.forName("ipfs")).contains(Protocol.P2P);
    assertThat(Protocol.P2P.protocolName()).isEqualTo("p2p");
  }

  @Test
  void unknownNamesAndCodesAreAbsent() {
    assertThat(Protocol.forName("P2P")).isEmpty();
    assertThat(Protocol.forName("unix")).isEmpty();
    assertThat(Protocol.forCode(99)).isEmpty();
    assertThat(Protocol.forCode(421L + (1L << 40))).isEmpty();
  }
}
