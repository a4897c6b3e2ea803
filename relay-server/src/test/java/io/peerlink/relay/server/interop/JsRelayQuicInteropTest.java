package io.peerlink.relay.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peerlink relay reached over QUIC v1 by real js-libp2p 3.x peers ({@code @chainsafe/libp2p-quic}):
 * A reserves a slot over QUIC, B dials A's circuit address through the relay over QUIC, and they
 * ping and echo through it. The relay splices two QUIC streams.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JsRelayQuicInteropTest {
  private static final Duration T = Duration.ofSeconds(60);
  private RelayServer relay;

  @AfterEach
  void stopRelay() throws Exception {
    if (relay != null) {
      relay.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void jsPeersReserveAndRelayOverQuic() throws Exception {
    relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"))
        .limiter(RelayLimiter.unlimited())
        .publicAddressFilter(AddressFilter.everything())
        .peerConfig(PeerConfig.builder().securityProtocols(List.of(SecurityProtocol.NOISE)).build())
        .build();
    relay.start().get(20, TimeUnit.SECONDS);
    String relayAddr = relay.listener().listenAddresses().get(0).withPeerId(relay.peerId()).toString();
    assertThat(relayAddr).contains("/quic-v1/p2p/");

    try (JsPeer a = JsPeer.start("--quic", "--security", "noise", "--reserve", relayAddr);
        JsPeer b = JsPeer.start("--quic", "--relay-client", "--security", "noise")) {
      Map<String, Object> reserved = a.awaitEvent("reserved", T);
      String circuit = relayAddr + "/p2p-circuit/p2p/" + a.peerId();
      assertThat(JsPeer.strings(reserved.get("addrs"))).contains(circuit);
      assertThat(relay.reservations()).extracting(r -> r.peer().toString()).containsExactly(a.peerId());

      Map<String, Object> dial = b.requestOk(T, "cmd", "dial", "addr", circuit);
      assertThat(dial.get("peerId")).isEqualTo(a.peerId());
      Object connId = dial.get("connId");
      Map<String, Object> ping = b.requestOk(T, "cmd", "ping", "connId", connId, "count", 3);
      assertThat(JsPeer.strings(ping.get("rttMs"))).hasSize(3);
      Map<String, Object> echo = b.requestOk(T, "cmd", "echo", "connId", connId, "bytes", 4 << 20, "streams", 2);
      assertThat(echo.get("verified")).isEqualTo(true);
      assertThat(relay.circuits()).singleElement().satisfies(c -> {
        assertThat(c.bytesToTarget()).isGreaterThanOrEqualTo(8L << 20);
        assertThat(c.bytesToSource()).isGreaterThanOrEqualTo(8L << 20);
      });
    }
  }
}
