package io.peerlink.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.Connector;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.TlsEngine;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.testing.JsPeer;
import io.peerlink.core.internal.tls.TlsEnginesUnderTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * peerlink against a real js-libp2p 3.x peer (interop/js/peer.mjs, Node 22), in both directions,
 * for each security choice: TLS only (on each TLS engine), Noise only, and both offered (TLS
 * first, as go orders them).
 */
class JsInteropTest {
  private static final Duration T = Duration.ofSeconds(60);

  private static PeerConfig config(String mode, TlsEngine engine) {
    return PeerConfig.builder().tlsEngine(engine).securityProtocols(switch (mode) {
      case "tls" -> List.of(SecurityProtocol.TLS);
      case "noise" -> List.of(SecurityProtocol.NOISE);
      default -> List.of(SecurityProtocol.TLS, SecurityProtocol.NOISE);
    }).build();
  }

  /** TLS on each engine (js's certificates must parse on both), Noise, and both offered. */
  static Stream<Arguments> modes() {
    return Stream.concat(
        TlsEnginesUnderTest.engines().map(e -> Arguments.of("tls", e)),
        Stream.of(Arguments.of("noise", TlsEngine.AUTO), Arguments.of("both", TlsEngine.AUTO)));
  }

  /** TLS on each engine, and Noise. */
  static Stream<Arguments> securities() {
    return Stream.concat(
        TlsEnginesUnderTest.engines().map(e -> Arguments.of("tls", e)),
        Stream.of(Arguments.of("noise", TlsEngine.AUTO)));
  }

  private static String expectedSecurity(String mode) {
    return mode.equals("noise") ? "/noise" : "/tls/1.0.0";
  }

  private static Connector connector(String mode, TlsEngine engine) {
    return Connector.builder(Identity.generate())
        .config(config(mode, engine))
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build();
  }

  private static Listener listener(String mode, TlsEngine engine) {
    return Listener.builder(Identity.generate())
        .config(config(mode, engine))
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build().start().join();
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modes")
  void peerlinkDialsJs(String mode, TlsEngine engine) throws Exception {
    try (JsPeer js = JsPeer.start("--security", mode); Connector connector = connector(mode, engine)) {
      Peer peer = get(connector.connect(Multiaddr.parse(js.addr())));
      assertThat(peer.peerId().toString()).isEqualTo(js.peerId());
      assertThat(peer.securityProtocol()).isEqualTo(expectedSecurity(mode));
      assertThat(peer.muxer()).isEqualTo("/yamux/1.0.0");
      assertThat(peer.earlyMuxerNegotiated()).as("js agrees on yamux inside the handshake").isTrue();

      IdentifyInfo info = get(peer.identify());
      assertThat(info.publicKey().peerId()).isEqualTo(peer.peerId());
      assertThat(info.agentVersion()).contains("js-libp2p");
      assertThat(info.protocols()).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", EchoClient.PROTOCOL);
      // js sends its listen addresses with /p2p/<id>; go sends them without.
      assertThat(info.listenAddrs().stream().map(Multiaddr::withoutPeerId))
          .contains(Multiaddr.parse(js.addr()).withoutPeerId());
      assertThat(info.observedAddr().withoutPeerId()).isEqualTo(peer.localAddress());

      // js identified us too, and saw what we serve.
      Map<String, Object> theirs = js.awaitEvent("identify",
          e -> connector.peerId().toString().equals(e.get("peerId")), T);
      assertThat((String) theirs.get("agentVersion")).startsWith("peerlink/");
      assertThat(JsPeer.strings(theirs.get("protocols"))).contains(EchoClient.PROTOCOL, "/ipfs/ping/1.0.0");

      for (int i = 0; i < 3; i++) {
        assertThat(get(peer.ping())).isPositive();
      }
      byte[] payload = new byte[1 << 20];
      new Random(7).nextBytes(payload);
      assertThat(get(EchoClient.roundTrip(peer, payload))).isPositive();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modes")
  void jsDialsPeerlink(String mode, TlsEngine engine) throws Exception {
    try (Listener listener = listener(mode, engine); JsPeer js = JsPeer.start("--security", mode)) {
      String addr = listener.listenAddresses().get(0).toString();
      Map<String, Object> conn = js.requestOk(T, "cmd", "dial", "addr", addr);
      assertThat(conn.get("peerId")).isEqualTo(listener.peerId().toString());
      assertThat(conn.get("encryption")).isEqualTo(expectedSecurity(mode));
      assertThat(conn.get("multiplexer")).isEqualTo("/yamux/1.0.0");

      Map<String, Object> ping = js.requestOk(T, "cmd", "ping", "addr", addr, "count", 3);
      assertThat(JsPeer.strings(ping.get("rttMs"))).hasSize(3);

      Map<String, Object> identify = js.requestOk(T, "cmd", "identify", "addr", addr);
      assertThat((String) identify.get("agentVersion")).startsWith("peerlink/");
      assertThat(JsPeer.strings(identify.get("protocols")))
          .contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", EchoClient.PROTOCOL);
      assertThat(JsPeer.strings(identify.get("listenAddrs")))
          .contains(listener.listenAddresses().get(0).withoutPeerId().toString());

      Map<String, Object> echo = js.requestOk(T, "cmd", "echo", "addr", addr, "bytes", 1 << 20, "streams", 1);
      assertThat(echo.get("verified")).isEqualTo(true);

      // And peerlink sees js as an inbound, authenticated peer.
      Peer inbound = listener.peers().stream().filter(p -> p.peerId().toString().equals(js.peerId()))
          .findFirst().orElseThrow();
      assertThat(inbound.securityProtocol()).isEqualTo(expectedSecurity(mode));
      assertThat(get(inbound.identify()).agentVersion()).contains("js-libp2p");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("securities")
  void sixtyFourConcurrentStreamsEchoOneMebibyteEachWayThroughJs(String mode, TlsEngine engine)
      throws Exception {
    try (Listener listener = listener(mode, engine); JsPeer js = JsPeer.start("--security", mode);
        Connector connector = connector(mode, engine)) {
      // peerlink opens 64 streams to js.
      Peer peer = get(connector.connect(Multiaddr.parse(js.addr())));
      List<CompletableFuture<Duration>> echoes = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        byte[] payload = new byte[1 << 20];
        new Random(i).nextBytes(payload);
        echoes.add(EchoClient.roundTrip(peer, payload));
      }
      CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);

      // js opens 64 streams to peerlink; js checks every byte.
      Map<String, Object> echo = js.requestOk(Duration.ofSeconds(180), "cmd", "echo",
          "addr", listener.listenAddresses().get(0).toString(), "bytes", 1 << 20, "streams", 64);
      assertThat(echo.get("verified")).isEqualTo(true);
      assertThat(((Number) echo.get("streams")).intValue()).isEqualTo(64);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("securities")
  void aWrongExpectedPeerIdFailsWithATlsKindError(String mode, TlsEngine engine) throws Exception {
    try (JsPeer js = JsPeer.start("--security", mode); Connector connector = connector(mode, engine)) {
      PeerId someoneElse = Identity.generate().peerId();
      Multiaddr wrong = Multiaddr.parse(js.addr()).withoutPeerId().withPeerId(someoneElse);
      assertThatThrownBy(() -> get(connector.connect(wrong)))
          .cause()
          .isInstanceOfSatisfying(PeerException.class, e -> {
            assertThat(e.kind()).isEqualTo(PeerError.TLS);
            assertThat(e.getMessage()).contains(someoneElse.toString()).contains(js.peerId());
          });
    }
  }

  @Test
  void jsOfferingOnlyNoiseIsReachedByTheDefaultConfigThroughNa() throws Exception {
    // Default order is TLS then Noise: js answers na to /tls/1.0.0 and we fall back.
    try (JsPeer js = JsPeer.start("--security", "noise");
        Connector connector = Connector.builder(Identity.generate()).build()) {
      Peer peer = get(connector.connect(Multiaddr.parse(js.addr())));
      assertThat(peer.securityProtocol()).isEqualTo("/noise");
      assertThat(get(peer.ping())).isPositive();
    }
  }
}
