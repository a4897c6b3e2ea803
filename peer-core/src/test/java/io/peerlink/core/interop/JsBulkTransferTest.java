package io.peerlink.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bulk data with a real js-libp2p peer: 64 MiB each way on one stream, and 16 concurrent streams of
 * 8 MiB each way, in both directions, over TLS and over Noise, every byte checked by the side that
 * sent it. js-libp2p's yamux sends data frames as large as the whole window it was granted (MiBs
 * once auto-tuning has grown the window), so these transfers fail if a frame the size of the window
 * is refused.
 */
class JsBulkTransferTest {
  private static final int MIB = 1024 * 1024;
  private static final Duration T = Duration.ofSeconds(240);

  private static PeerConfig config(String security) {
    return PeerConfig.builder()
        .securityProtocols(List.of(security.equals("tls") ? SecurityProtocol.TLS : SecurityProtocol.NOISE))
        .build();
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static void echoAll(Peer peer, int streams, int bytes) throws Exception {
    List<CompletableFuture<Duration>> echoes = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      echoes.add(EchoClient.roundTrip(peer, random(bytes, i)));
    }
    CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(T.toSeconds(), TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tls", "noise"})
  void peerlinkEchoesSixtyFourMebibytesThroughJsOnOneStream(String security) throws Exception {
    try (JsPeer js = JsPeer.start("--security", security);
        Connector connector = Connector.builder(Identity.generate()).config(config(security)).build()) {
      Peer peer = connector.connect(Multiaddr.parse(js.addr())).get(60, TimeUnit.SECONDS);
      assertThat(peer.securityProtocol()).contains(security);
      echoAll(peer, 1, 64 * MIB);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tls", "noise"})
  void jsEchoesSixtyFourMebibytesThroughPeerlinkOnOneStream(String security) throws Exception {
    try (Listener listener = listener(security); JsPeer js = JsPeer.start("--security", security)) {
      Map<String, Object> echo = js.requestOk(T, "cmd", "echo", "addr", addr(listener),
          "bytes", 64 * MIB, "streams", 1, "timeoutMs", T.toMillis());
      assertThat(echo.get("verified")).isEqualTo(true);
      assertThat(((Number) echo.get("bytes")).longValue()).isEqualTo(64L * MIB);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tls", "noise"})
  void sixteenConcurrentStreamsOfEightMebibytesEachWayInBothDirections(String security) throws Exception {
    try (Listener listener = listener(security); JsPeer js = JsPeer.start("--security", security);
        Connector connector = Connector.builder(Identity.generate()).config(config(security)).build()) {
      Peer peer = connector.connect(Multiaddr.parse(js.addr())).get(60, TimeUnit.SECONDS);
      echoAll(peer, 16, 8 * MIB);

      Map<String, Object> echo = js.requestOk(T, "cmd", "echo", "addr", addr(listener),
          "bytes", 8 * MIB, "streams", 16, "timeoutMs", T.toMillis());
      assertThat(echo.get("verified")).isEqualTo(true);
      assertThat(((Number) echo.get("streams")).intValue()).isEqualTo(16);
    }
  }

  private static Listener listener(String security) {
    return Listener.builder(Identity.generate())
        .config(config(security))
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build().start().join();
  }

  private static String addr(Listener listener) {
    return listener.listenAddresses().get(0).toString();
  }
}
