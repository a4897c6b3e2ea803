package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two peerlink peers over real TCP on 127.0.0.1: the whole stack, TLS and Noise. */
class LoopbackConnectionTest {
  private final List<AutoCloseable> closers = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
  }

  private Listener listener(Identity id, PeerConfig cfg) {
    Listener l = Listener.builder(id)
        .config(cfg)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build().start().join();
    closers.add(l);
    return l;
  }

  private Connector connector(PeerConfig cfg) {
    Connector c = Connector.builder(Identity.generate()).config(cfg).build();
    closers.add(c);
    return c;
  }

  private static PeerConfig only(SecurityProtocol p) {
    return PeerConfig.builder().securityProtocols(p).build();
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(SecurityProtocol.class)
  void connectsAuthenticatesIdentifiesPingsAndEchoes(SecurityProtocol security) throws Exception {
    Identity serverId = Identity.generate();
    CompletableFuture<Peer> inbound = new CompletableFuture<>();
    Listener server = Listener.builder(serverId)
        .config(only(security))
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .eventListener(EventListener.onConnectionOpened(inbound::complete))
        .build().start().join();
    closers.add(server);
    Connector client = connector(only(security));
    Multiaddr addr = server.listenAddresses().get(0);
    assertThat(addr.toString()).startsWith("/ip4/127.0.0.1/tcp/").endsWith("/p2p/" + serverId.peerId());

    Peer peer = get(client.connect(addr));
    assertThat(peer.peerId()).isEqualTo(serverId.peerId());
    assertThat(peer.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(peer.path()).isEqualTo(ConnectionPath.DIRECT);
    assertThat(peer.securityProtocol()).isEqualTo(security.protocolId());
    assertThat(peer.muxer()).isEqualTo("/yamux/1.0.0");
    // Plaintext has no handshake to carry the muxer: multistream-select agrees on it afterwards.
    assertThat(peer.earlyMuxerNegotiated()).isEqualTo(security != SecurityProtocol.PLAINTEXT);

    Peer accepted = get(inbound);
    assertThat(accepted.peerId()).isEqualTo(client.peerId());
    assertThat(accepted.direction()).isEqualTo(Direction.INBOUND);
    assertThat(accepted.remoteAddress()).isEqualTo(peer.localAddress());

    IdentifyInfo info = get(peer.identify());
    assertThat(info.agentVersion()).startsWith("peerlink/");
    assertThat(info.protocolVersion()).isEqualTo("ipfs/0.1.0");
    assertThat(info.publicKey().peerId()).isEqualTo(serverId.peerId());
    assertThat(info.protocols()).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", EchoClient.PROTOCOL);
    assertThat(info.listenAddrs()).contains(addr.withoutPeerId());
    assertThat(info.observedAddr()).isEqualTo(peer.localAddress());
    assertThat(get(accepted.identify()).publicKey().peerId()).isEqualTo(client.peerId());

    Duration rtt = get(peer.ping());
    assertThat(rtt).isPositive();
    assertThat(get(peer.ping())).isPositive();

    byte[] payload = new byte[1 << 20];
    new Random(1).nextBytes(payload);
    assertThat(get(EchoClient.roundTrip(peer, payload))).isPositive();
  }

  @ParameterizedTest
  @EnumSource(SecurityProtocol.class)
  void sixtyFourConcurrentStreamsEachEchoOneMebibyte(SecurityProtocol security) throws Exception {
    Listener server = listener(Identity.generate(), only(security));
    Peer peer = get(connector(only(security)).connect(server.listenAddresses().get(0)));
    List<CompletableFuture<Duration>> echoes = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      byte[] payload = new byte[1 << 20];
      new Random(i).nextBytes(payload);
      echoes.add(EchoClient.roundTrip(peer, payload));
    }
    CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    assertThat(echoes).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
  }

  @Test
  void theListenerCanOpenStreamsBackToTheDialer() throws Exception {
    CompletableFuture<Peer> inbound = new CompletableFuture<>();
    Listener server = Listener.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .eventListener(EventListener.onConnectionOpened(inbound::complete))
        .build().start().join();
    closers.add(server);
    Connector client = Connector.builder(Identity.generate())
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build();
    closers.add(client);
    get(client.connect(server.listenAddresses().get(0)));
    byte[] payload = "from the listener".getBytes(StandardCharsets.UTF_8);
    assertThat(get(EchoClient.roundTrip(get(inbound), payload))).isPositive();
  }

  @Test
  void aWrongExpectedPeerIdFailsWithATlsKindError() {
    // Every protocol, plaintext too, which the defaults leave out.
    Listener server = listener(Identity.generate(),
        PeerConfig.builder().securityProtocols(SecurityProtocol.values()).build());
    PeerId someoneElse = Identity.generate().peerId();
    Multiaddr wrong = server.listenAddresses().get(0).withoutPeerId().withPeerId(someoneElse);
    for (SecurityProtocol security : SecurityProtocol.values()) {
      assertThatThrownBy(() -> get(connector(only(security)).connect(wrong)))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(PeerException.class, e -> {
            assertThat(e.kind()).as(security + ": " + e).isEqualTo(PeerError.TLS);
            assertThat(e.getMessage()).contains(someoneElse.toString());
          });
    }
  }

  @Test
  void aListenerWithTheDefaultsRefusesPlaintext() {
    Listener server = listener(Identity.generate(), PeerConfig.defaults());
    assertThat(PeerConfig.defaults().securityProtocols()).doesNotContain(SecurityProtocol.PLAINTEXT);
    assertThatThrownBy(() -> get(connector(only(SecurityProtocol.PLAINTEXT)).connect(server.listenAddresses().get(0))))
        .cause()
        .isInstanceOfSatisfying(PeerException.class, e -> {
          assertThat(e.kind()).isEqualTo(PeerError.PROTOCOL);
          assertThat(e.getMessage()).contains("/plaintext/2.0.0");
        });
  }

  @Test
  void aClosedPortFailsWithAConnectKindError() throws Exception {
    Listener server = listener(Identity.generate(), PeerConfig.defaults());
    Multiaddr addr = server.listenAddresses().get(0);
    server.close();
    closers.remove(server);
    assertThatThrownBy(() -> get(connector(PeerConfig.defaults()).connect(addr)))
        .cause()
        .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.kind()).isEqualTo(PeerError.CONNECT));
  }

  @Test
  void anUnsupportedProtocolFailsTheStreamWithAProtocolKindError() throws Exception {
    Listener server = listener(Identity.generate(), PeerConfig.defaults());
    Peer peer = get(connector(PeerConfig.defaults()).connect(server.listenAddresses().get(0)));
    assertThatThrownBy(() -> get(peer.newStream("/nobody/1.0.0", s -> {})))
        .cause()
        .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.kind()).isEqualTo(PeerError.PROTOCOL));
    // The connection survives a refused stream.
    assertThat(get(peer.ping())).isPositive();
  }

  @Test
  void withoutEarlyMuxerNegotiationTheMuxerIsAgreedWithMultistreamSelect() throws Exception {
    PeerConfig noEarly = PeerConfig.builder().earlyMuxerNegotiation(false).build();
    Listener server = listener(Identity.generate(), PeerConfig.defaults());
    Peer peer = get(connector(noEarly).connect(server.listenAddresses().get(0)));
    assertThat(peer.earlyMuxerNegotiated()).isFalse();
    assertThat(peer.muxer()).isEqualTo("/yamux/1.0.0");
    assertThat(get(peer.ping())).isPositive();
  }

  @Test
  void closingThePeerCompletesItsCloseFutureOnBothSides() throws Exception {
    CompletableFuture<Peer> inbound = new CompletableFuture<>();
    Listener server = Listener.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .eventListener(EventListener.onConnectionOpened(inbound::complete))
        .build().start().join();
    closers.add(server);
    Peer peer = get(connector(PeerConfig.defaults()).connect(server.listenAddresses().get(0)));
    Peer accepted = get(inbound);
    get(peer.close());
    get(accepted.closeFuture());
    assertThat(peer.isOpen()).isFalse();
    assertThat(accepted.isOpen()).isFalse();
  }
}
