package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.perf.Perf;
import io.peerlink.core.spi.StreamChannels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two peerlink peers over QUIC v1 on 127.0.0.1 ({@code /udp/0/quic-v1}): TLS 1.3 inside QUIC with
 * the libp2p certificate, QUIC streams as the connection's streams, and identify, ping and a user
 * protocol on them as over TCP.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QuicLoopbackTest {
  private static final Multiaddr QUIC = Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1");
  private final List<AutoCloseable> closers = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
  }

  private Listener listener(Identity id, CompletableFuture<Peer> inbound) {
    Listener l = Listener.builder(id)
        .listenOn(QUIC)
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .eventListener(EventListener.onConnectionOpened(p -> {
          if (p.direction() == Direction.INBOUND) {
            inbound.complete(p);
          }
        }))
        .build().start().join();
    closers.add(l);
    return l;
  }

  private Connector connector() {
    Connector c = Connector.builder(Identity.generate())
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build();
    closers.add(c);
    return c;
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  /** The UDP port of a QUIC address; the dialer's socket is bound to the wildcard, so only the port matches. */
  private static int port(Multiaddr quic) {
    byte[] p = quic.components().get(1).value();
    return ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void connectsAuthenticatesIdentifiesAndPings() throws Exception {
    Identity serverId = Identity.generate();
    CompletableFuture<Peer> inbound = new CompletableFuture<>();
    Listener server = listener(serverId, inbound);
    Multiaddr addr = server.listenAddresses().get(0);
    assertThat(addr.toString()).startsWith("/ip4/127.0.0.1/udp/").endsWith("/quic-v1/p2p/" + serverId.peerId());
    Connector client = connector();

    Peer peer = get(client.connect(addr));
    assertThat(peer.peerId()).isEqualTo(serverId.peerId());
    assertThat(peer.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(peer.securityProtocol()).isEqualTo("quic-v1");
    assertThat(peer.muxer()).isEqualTo("quic-v1");
    assertThat(peer.remoteAddress()).isEqualTo(addr.withoutPeerId());

    Peer accepted = get(inbound);
    assertThat(accepted.peerId()).isEqualTo(client.peerId());
    assertThat(port(accepted.remoteAddress())).isEqualTo(port(peer.localAddress()));
    assertThat(accepted.remoteAddress().toString()).startsWith("/ip4/127.0.0.1/udp/").endsWith("/quic-v1");

    IdentifyInfo info = get(peer.identify());
    assertThat(info.publicKey().peerId()).isEqualTo(serverId.peerId());
    assertThat(info.protocols()).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", EchoClient.PROTOCOL);
    assertThat(info.listenAddrs()).contains(addr.withoutPeerId());
    assertThat(port(info.observedAddr())).isEqualTo(port(peer.localAddress()));
    assertThat(get(accepted.identify()).publicKey().peerId()).isEqualTo(client.peerId());

    assertThat(get(peer.ping())).isPositive();
    assertThat(get(accepted.ping())).isPositive();
  }

  @Test
  void eachSideDialsTheOther() throws Exception {
    Identity a = Identity.generate();
    Identity b = Identity.generate();
    CompletableFuture<Peer> atA = new CompletableFuture<>();
    CompletableFuture<Peer> atB = new CompletableFuture<>();
    Listener la = listener(a, atA);
    Listener lb = listener(b, atB);
    Connector fromA = Connector.sharing(la).build();
    Connector fromB = Connector.sharing(lb).build();

    Peer aToB = get(fromA.connect(lb.listenAddresses().get(0)));
    Peer bToA = get(fromB.connect(la.listenAddresses().get(0)));
    assertThat(aToB.peerId()).isEqualTo(b.peerId());
    assertThat(bToA.peerId()).isEqualTo(a.peerId());
    assertThat(get(atB).peerId()).isEqualTo(a.peerId());
    assertThat(get(atA).peerId()).isEqualTo(b.peerId());
    assertThat(get(EchoClient.roundTrip(aToB, random(4096, 1)))).isPositive();
    assertThat(get(EchoClient.roundTrip(bToA, random(4096, 2)))).isPositive();
  }

  @Test
  void sixtyFourMebibytesEachWayOnOneStreamBothDirections() throws Exception {
    CompletableFuture<Peer> inbound = new CompletableFuture<>();
    Listener server = listener(Identity.generate(), inbound);
    Peer peer = get(connector().connect(server.listenAddresses().get(0)));
    // The dialer's stream: 64 MiB out, the same 64 MiB back, every byte compared.
    assertThat(EchoClient.roundTrip(peer, random(64 << 20, 3)).get(90, TimeUnit.SECONDS)).isPositive();
    // And a stream the listener opens towards the dialer.
    assertThat(EchoClient.roundTrip(get(inbound), random(64 << 20, 4)).get(90, TimeUnit.SECONDS)).isPositive();
    // Each side's stats count the bytes of both streams.
    assertThat(peer.stats().bytesWritten()).isGreaterThanOrEqualTo(2L * (64 << 20));
    assertThat(peer.stats().bytesRead()).isGreaterThanOrEqualTo(2L * (64 << 20));
  }

  @Test
  void sixteenStreamsInParallel() throws Exception {
    // No keep-alive: its ping stream stays open for reuse and would count below.
    Peer peer = connectWith(QuicConfig.builder().keepAliveInterval(Duration.ZERO).build());
    List<CompletableFuture<Duration>> echoes = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      echoes.add(EchoClient.roundTrip(peer, random(4 << 20, 10 + i)));
    }
    CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
    assertThat(echoes).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    await().atMost(Duration.ofSeconds(10)).until(() -> peer.openStreams() == 0);
  }

  @Test
  void opensBeyondTheRemotesStreamLimitWaitForAFreeStream() throws Exception {
    // The listener lets the dialer have 4 streams at once; 16 echoes still all complete.
    Listener server = Listener.builder(Identity.generate())
        .config(PeerConfig.builder().quic(QuicConfig.builder().maxStreams(4).build()).build())
        .listenOn(QUIC)
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build().start().join();
    closers.add(server);
    Peer peer = get(connector().connect(server.listenAddresses().get(0)));
    List<CompletableFuture<Duration>> echoes = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      echoes.add(EchoClient.roundTrip(peer, random(256 << 10, 40 + i)));
    }
    CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(echoes).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
  }

  @Test
  void anOpenThatFindsNoFreeStreamFailsAfterTheWait() throws Exception {
    // One stream at once, held open by a handler that never answers: the second open times out.
    // (The first may wait for identify's stream to be released: the wait covers that.)
    Listener server = Listener.builder(Identity.generate())
        .config(PeerConfig.builder().quic(QuicConfig.builder().maxStreams(1).build()).build())
        .listenOn(QUIC)
        .handler("/hold/1.0.0", s -> { })
        .build().start().join();
    closers.add(server);
    Connector client = Connector.builder(Identity.generate())
        .config(PeerConfig.builder().quic(QuicConfig.builder().streamOpenWait(Duration.ofSeconds(2)).build()).build())
        .build();
    closers.add(client);
    Peer peer = get(client.connect(server.listenAddresses().get(0)));
    get(peer.identify());
    // Streams that stay open use up the one the remote allows (identify's may hold it a moment
    // longer): by the second held stream at the latest, an open waits out streamOpenWait and fails.
    Throwable failure = null;
    for (int i = 0; i < 3 && failure == null; i++) {
      try {
        get(peer.newStream(List.of("/hold/1.0.0"), s -> { }));
      } catch (ExecutionException e) {
        failure = e.getCause();
      }
    }
    assertThat(failure).isInstanceOf(PeerTimeoutException.class).hasMessageContaining("no QUIC stream became free");
  }

  @Test
  void aWrongExpectedPeerIdIsRefusedInTheHandshake() {
    CompletableFuture<Peer> inbound = new CompletableFuture<>();
    Listener server = listener(Identity.generate(), inbound);
    PeerId someoneElse = Identity.generate().peerId();
    Multiaddr wrong = server.listenAddresses().get(0).withoutPeerId().withPeerId(someoneElse);
    assertThatThrownBy(() -> get(connector().connect(wrong)))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(PeerException.class, e -> {
          assertThat(e.kind()).as(e.toString()).isEqualTo(PeerError.TLS);
          assertThat(e.getMessage()).contains(someoneElse.toString());
        });
    assertThat(inbound).isNotDone();
  }

  private Peer connectWith(QuicConfig quic) throws Exception {
    PeerConfig cfg = PeerConfig.builder().quic(quic).build();
    Listener server = Listener.builder(Identity.generate()).config(cfg).listenOn(QUIC)
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build().start().join();
    closers.add(server);
    Connector client = Connector.builder(Identity.generate()).config(cfg).build();
    closers.add(client);
    return get(client.connect(server.listenAddresses().get(0)));
  }

  @Test
  void aQuietConnectionClosesAfterTheIdleTimeoutWithoutKeepAlive() throws Exception {
    Peer peer = connectWith(QuicConfig.builder()
        .idleTimeout(Duration.ofSeconds(1)).keepAliveInterval(Duration.ZERO).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> !peer.isOpen());
  }

  @Test
  void keepAlivePingsHoldAQuietConnectionOpenPastTheIdleTimeout() throws Exception {
    Peer peer = connectWith(QuicConfig.builder()
        .idleTimeout(Duration.ofSeconds(1)).keepAliveInterval(Duration.ofMillis(300)).build());
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(peer::isOpen);
  }

  @Test
  void aWildcardListenAndADnsNameReachTheSameQuicListener() throws Exception {
    Identity serverId = Identity.generate();
    Listener server = Listener.builder(serverId)
        .listenOn(Multiaddr.parse("/ip4/0.0.0.0/udp/0/quic-v1"))
        .build().start().join();
    closers.add(server);
    Multiaddr loopback = server.listenAddresses().stream()
        .filter(a -> a.toString().startsWith("/ip4/127.0.0.1/udp/")).findFirst().orElseThrow();
    assertThat(server.listenAddresses()).allMatch(a -> a.toString().contains("/quic-v1/p2p/"));
    int port = port(loopback);
    Connector client = connector();
    Peer byName = get(client.connect(
        Multiaddr.parse("/dns4/localhost/udp/" + port + "/quic-v1/p2p/" + serverId.peerId())));
    assertThat(byName.muxer()).isEqualTo("quic-v1");
    assertThat(byName.remoteAddress().toString()).isEqualTo("/ip4/127.0.0.1/udp/" + port + "/quic-v1");
    // And through the dialer's several-address path, with a dead TCP address beside it.
    Peer ranked = get(client.connect(serverId.peerId(),
        List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"), loopback)));
    assertThat(ranked.muxer()).isEqualTo("quic-v1");
  }

  @Test
  void aResetStreamEndsAtTheRemoteAndTheConnectionStays() throws Exception {
    Listener server = Listener.builder(Identity.generate())
        .listenOn(QUIC)
        // Resets the stream at its first bytes: RESET_STREAM and STOP_SENDING on QUIC.
        .handler("/reset/1.0.0", s -> s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            StreamChannels.reset(ctx.channel());
          }
        }))
        .build().start().join();
    closers.add(server);
    Peer peer = get(connector().connect(server.listenAddresses().get(0)));
    Stream stream = get(peer.newStream("/reset/1.0.0", s -> { }));
    stream.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[1024]));
    await().atMost(Duration.ofSeconds(10)).until(() -> !stream.channel().isActive());
    assertThat(peer.isOpen()).isTrue();
    assertThat(get(peer.ping())).isPositive();
  }

  /**
   * Writes far past the remote's stream window, then a half-close at once: every byte arrives
   * before the end of input. Netty's own {@code shutdownOutput()} on a QUIC stream would send the
   * FIN ahead of the writes still waiting for window; perf's upload and {@code StreamChannels}
   * queue it behind them.
   */
  @Test
  void aHalfCloseRightAfterWritesBeyondTheWindowLosesNoByte() throws Exception {
    Identity serverId = Identity.generate();
    CompletableFuture<Long> counted = new CompletableFuture<>();
    Listener server = Listener.builder(serverId).listenOn(QUIC)
        .handler("/test/count/1.0.0", s -> {
          s.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
          s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
            private long bytes;

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              bytes += ((ByteBuf) msg).readableBytes();
              ReferenceCountUtil.release(msg);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
              if (evt instanceof ChannelInputShutdownEvent) {
                counted.complete(bytes);
                ctx.close();
              }
            }
          });
        })
        .handler(Perf.PROTOCOL, Perf.server())
        .build().start().join();
    closers.add(server);
    Peer peer = get(connector().connect(server.listenAddresses().get(0)));
    int size = 8 << 20; // 32 windows of 256 KiB
    Stream stream = get(peer.newStream("/test/count/1.0.0", s -> { }));
    stream.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[size]));
    StreamChannels.shutdownOutput(stream.channel());
    assertThat(get(counted)).isEqualTo(size);

    // Perf's upload half-closes as soon as its last block is written.
    assertThat(get(Perf.measure(peer, 32L << 20, 0)).uploadBytes()).isEqualTo(32L << 20);
  }

  @Test
  void tcpStaysTheDefaultBesideQuic() throws Exception {
    Listener server = Listener.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .listenOn(QUIC)
        .build().start().join();
    closers.add(server);
    List<Multiaddr> addrs = server.listenAddresses();
    assertThat(addrs).hasSize(2);
    Connector client = connector();
    Peer overTcp = get(client.connect(addrs.get(0)));
    Peer overQuic = get(client.connect(addrs.get(1)));
    assertThat(overTcp.muxer()).isEqualTo("/yamux/1.0.0");
    assertThat(overQuic.muxer()).isEqualTo("quic-v1");
    assertThat(get(overTcp.ping())).isPositive();
    assertThat(get(overQuic.ping())).isPositive();
  }
}
