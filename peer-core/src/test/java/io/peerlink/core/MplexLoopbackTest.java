package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two peerlink peers over real TCP on 127.0.0.1 with the mplex muxer. */
@Timeout(120)
class MplexLoopbackTest {
  private static final String SINK = "/test/sink/1.0.0";
  private final List<AutoCloseable> closers = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
  }

  private static PeerConfig mplex(SecurityProtocol security) {
    return PeerConfig.builder().securityProtocols(security).streamMuxers(StreamMuxer.MPLEX).build();
  }

  private Listener listener(PeerConfig cfg, StreamHandler sink) {
    Listener l = Listener.builder(Identity.generate())
        .config(cfg)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .handler(SINK, sink)
        .build().start().join();
    closers.add(l);
    return l;
  }

  private Peer connect(PeerConfig cfg, Listener server) throws Exception {
    Connector c = Connector.builder(Identity.generate()).config(cfg).build();
    closers.add(c);
    return c.connect(server.listenAddresses().get(0)).get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(SecurityProtocol.class)
  void sixtyFourConcurrentStreamsEachEchoOneMebibyte(SecurityProtocol security) throws Exception {
    Listener server = listener(mplex(security), s -> s.channel().close());
    Peer peer = connect(mplex(security), server);
    assertThat(peer.muxer()).isEqualTo("/mplex/6.7.0");
    assertThat(peer.ping().get(10, TimeUnit.SECONDS)).isPositive();
    assertThat(peer.identify().get(10, TimeUnit.SECONDS).protocols()).contains(EchoClient.PROTOCOL);

    List<CompletableFuture<Duration>> echoes = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      byte[] payload = new byte[1 << 20];
      new Random(i).nextBytes(payload);
      echoes.add(EchoClient.roundTrip(peer, payload));
    }
    CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
    assertThat(echoes).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
  }

  @Test
  void theDialersPreferenceWinsWhenBothSidesSpeakBoth() throws Exception {
    Listener server = listener(PeerConfig.builder().streamMuxers(StreamMuxer.YAMUX, StreamMuxer.MPLEX).build(),
        s -> s.channel().close());
    Peer peer = connect(PeerConfig.builder().streamMuxers(StreamMuxer.MPLEX, StreamMuxer.YAMUX).build(), server);
    assertThat(peer.muxer()).isEqualTo("/mplex/6.7.0");
    assertThat(EchoClient.roundTrip(peer, new byte[100_000]).get(20, TimeUnit.SECONDS)).isPositive();
  }

  @Test
  void aListenerWithTheDefaultsRefusesMplex() {
    Listener server = listener(PeerConfig.defaults(), s -> s.channel().close());
    assertThat(PeerConfig.defaults().streamMuxers()).containsExactly(StreamMuxer.YAMUX);
    assertThatThrownBy(() -> connect(mplex(SecurityProtocol.NOISE), server))
        .cause()
        .isInstanceOfSatisfying(PeerException.class, e -> {
          assertThat(e.kind()).isEqualTo(PeerError.PROTOCOL);
          assertThat(e.getMessage()).contains("/mplex/6.7.0");
        });
  }

  @Test
  void aStreamWhoseReaderStallsIsResetAndTheConnectionLives() throws Exception {
    CompletableFuture<Channel> stalled = new CompletableFuture<>();
    PeerConfig small = PeerConfig.builder().streamMuxers(StreamMuxer.MPLEX).mplexMaxBufferedBytes(256 * 1024).build();
    Listener server = listener(small, s -> {
      s.channel().config().setAutoRead(false); // never reads
      stalled.complete(s.channel());
    });
    Peer peer = connect(small, server);
    Stream sink = peer.newStream(SINK, s -> {}).get(10, TimeUnit.SECONDS);
    // 4 MiB at a reader that takes nothing: mplex cannot slow the writer, so the reader's side
    // resets the stream once 256 KiB wait unread.
    for (int i = 0; i < 16; i++) {
      sink.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[256 * 1024]));
    }
    Channel serverSide = stalled.get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> !serverSide.isOpen() && !sink.channel().isOpen());
    assertThat(EchoClient.roundTrip(peer, new byte[1000]).get(10, TimeUnit.SECONDS))
        .as("other streams carry on").isPositive();
  }
}
