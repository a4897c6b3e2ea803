package io.peerlink.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.Connector;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * peerlink against a real js-libp2p 3.x peer over QUIC v1 ({@code @chainsafe/libp2p-quic}, quinn):
 * both directions, identify, ping, and 64 MiB each way on one stream with every byte checked by
 * the side that sent it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JsQuicInteropTest {
  private static final Duration T = Duration.ofSeconds(60);
  private static final Duration BULK = Duration.ofSeconds(240);
  private static final int MIB = 1024 * 1024;
  private static final String QUIC = "/ip4/127.0.0.1/udp/0/quic-v1";

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  private static JsPeer js() {
    return JsPeer.start("--quic", "--listen", QUIC);
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void peerlinkDialsJs() throws Exception {
    try (JsPeer js = js();
        Connector connector = Connector.builder(Identity.generate())
            .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
            .build()) {
      assertThat(js.addr()).contains("/udp/").contains("/quic-v1/p2p/");
      Peer peer = get(connector.connect(Multiaddr.parse(js.addr())));
      assertThat(peer.peerId().toString()).isEqualTo(js.peerId());
      assertThat(peer.muxer()).isEqualTo("quic-v1");

      IdentifyInfo info = get(peer.identify());
      assertThat(info.publicKey().peerId()).isEqualTo(peer.peerId());
      assertThat(info.agentVersion()).contains("js-libp2p");
      assertThat(info.protocols()).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", EchoClient.PROTOCOL);
      assertThat(info.listenAddrs().stream().map(Multiaddr::withoutPeerId))
          .contains(Multiaddr.parse(js.addr()).withoutPeerId());

      Map<String, Object> theirs = js.awaitEvent("identify",
          e -> connector.peerId().toString().equals(e.get("peerId")), T);
      assertThat((String) theirs.get("agentVersion")).startsWith("peerlink/");

      for (int i = 0; i < 3; i++) {
        assertThat(get(peer.ping())).isPositive();
      }
      // 64 MiB to js and the same 64 MiB back on one stream, every byte compared here.
      assertThat(EchoClient.roundTrip(peer, random(64 * MIB, 1)).get(BULK.toSeconds(), TimeUnit.SECONDS))
          .isPositive();
    }
  }

  @Test
  void jsDialsPeerlink() throws Exception {
    try (Listener listener = Listener.builder(Identity.generate())
            .listenOn(Multiaddr.parse(QUIC))
            .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
            .build().start().join();
        JsPeer js = js()) {
      String addr = listener.listenAddresses().get(0).toString();
      Map<String, Object> conn = js.requestOk(T, "cmd", "dial", "addr", addr);
      assertThat(conn.get("peerId")).isEqualTo(listener.peerId().toString());
      assertThat((String) conn.get("remoteAddr")).contains("/quic-v1");

      Map<String, Object> ping = js.requestOk(T, "cmd", "ping", "addr", addr, "count", 3);
      assertThat(JsPeer.strings(ping.get("rttMs"))).hasSize(3);

      Map<String, Object> identify = js.requestOk(T, "cmd", "identify", "addr", addr);
      assertThat((String) identify.get("agentVersion")).startsWith("peerlink/");
      assertThat(JsPeer.strings(identify.get("protocols")))
          .contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", EchoClient.PROTOCOL);
      assertThat(JsPeer.strings(identify.get("listenAddrs")))
          .contains(listener.listenAddresses().get(0).withoutPeerId().toString());

      // 64 MiB to peerlink and back on one stream; js compares every byte.
      Map<String, Object> echo = js.requestOk(BULK, "cmd", "echo", "addr", addr,
          "bytes", 64 * MIB, "streams", 1, "timeoutMs", BULK.toMillis());
      assertThat(echo.get("verified")).isEqualTo(true);
      assertThat(((Number) echo.get("bytes")).longValue()).isEqualTo(64L * MIB);

      Peer inbound = listener.peers().stream().filter(p -> p.peerId().toString().equals(js.peerId()))
          .findFirst().orElseThrow();
      assertThat(inbound.muxer()).isEqualTo("quic-v1");
      assertThat(get(inbound.identify()).agentVersion()).contains("js-libp2p");
      assertThat(get(inbound.ping())).isPositive();
    }
  }
}
