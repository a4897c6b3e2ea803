package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.peerlink.core.ResourceLimits.Limit;
import io.peerlink.core.ResourceLimits.Resource;
import io.peerlink.core.ResourceLimits.Scope;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.host.PeerConnection;
import io.peerlink.core.internal.resource.ResourceManager;
import io.peerlink.core.internal.yamux.YamuxSession;
import io.peerlink.core.internal.yamux.YamuxStreamChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each resource limit at its exact boundary, between real hosts on loopback: N is granted, N+1 is
 * refused, and closing gives back exactly what was taken.
 */
@Timeout(120)
class ResourceLimitsLoopbackTest extends PeerTestSupport {
  private static final String HOLD = "/test/hold/1.0.0";
  private static final String SINK = "/test/sink/1.0.0";
  private static final StreamHandler NOTHING = stream -> { };
  /** The receive window each stream starts with, which it holds while open. */
  private static final int WINDOW = 256 * 1024;

  private final List<Stream> held = new CopyOnWriteArrayList<>();
  private final List<ResourceLimits.Resource> hits = new CopyOnWriteArrayList<>();

  /** Keeps every stream open and never reads: what a remote sends stays buffered. */
  private StreamHandler hold() {
    return stream -> {
      stream.channel().config().setAutoRead(false);
      held.add(stream);
    };
  }

  private Listener server(ResourceLimits limits) {
    return server(FAST.toBuilder().resourceLimits(limits).build());
  }

  private Listener server(PeerConfig config) {
    return listen(Listener.builder(Identity.generate()).config(config).listenOn(LOOPBACK)
        .handler(HOLD, hold()).handler(SINK, hold())
        .eventListener(new EventListener() {
          @Override
          public void resourceLimitExceeded(Scope scope, Resource resource, String remote) {
            hits.add(resource);
          }
        }));
  }

  private static ResourceManager resources(Listener listener) {
    return listener.core().resources();
  }

  /** Connects and waits until identify is over both ways, so only the test's streams remain. */
  private Peer connect(Connector connector, Listener server) throws Exception {
    Peer peer = get(connector.connect(server.listenAddresses().get(0)));
    get(peer.identify());
    await("identify's streams to close", () -> resources(server).used(Resource.INBOUND_STREAMS) == 0
        && resources(server).used(Resource.OUTBOUND_STREAMS) == 0
        && resources(server).used(Resource.MEMORY) == 0);
    return peer;
  }

  @Test
  void inboundStreamsPerConnectionStopAtTheLimitAndComeBackWhenOneCloses() throws Exception {
    int n = 5;
    Listener server = server(ResourceLimits.builder()
        .connection(ResourceLimits.DEFAULT_CONNECTION.withStreams(n, 1024)).build());
    Peer peer = connect(connector(), server);
    List<Stream> mine = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      mine.add(get(peer.newStream(HOLD, NOTHING)));
    }
    await("the server to hold " + n + " streams", () -> held.size() == n);
    assertThat(resources(server).used(Resource.INBOUND_STREAMS)).isEqualTo(n);

    assertThatThrownBy(() -> get(peer.newStream(HOLD, NOTHING))).isInstanceOf(ExecutionException.class);
    await("the refusal to be reported", () -> hits.contains(Resource.INBOUND_STREAMS));
    assertThat(resources(server).used(Resource.INBOUND_STREAMS)).isEqualTo(n);

    held.get(0).channel().close(); // the handler lets go of one
    await("the closed stream to be given back", () -> resources(server).used(Resource.INBOUND_STREAMS) == n - 1);
    get(peer.newStream(HOLD, NOTHING));
    await("the server to hold the new stream", () -> resources(server).used(Resource.INBOUND_STREAMS) == n);
  }

  @Test
  void outboundStreamsPerConnectionFailLocallyWithALimitError() throws Exception {
    int n = 3;
    Listener server = server(ResourceLimits.defaults());
    Connector client = connector(Connector.builder(Identity.generate()).dialPolicy(NO_RETRY)
        .config(FAST.toBuilder().resourceLimits(ResourceLimits.builder()
            .connection(ResourceLimits.DEFAULT_CONNECTION.withStreams(1024, n)).build()).build()));
    Peer peer = connect(client, server);
    await("the client's identify stream to close", () -> client.core().resources().used(Resource.OUTBOUND_STREAMS) == 0);
    List<Stream> mine = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      mine.add(get(peer.newStream(HOLD, NOTHING)));
    }
    assertThatThrownBy(() -> get(peer.newStream(HOLD, NOTHING)))
        .hasCauseInstanceOf(LimitExceededException.class)
        .hasMessageContaining("outbound_streams");
    mine.get(0).channel().close();
    await("the closed stream to be given back", () -> client.core().resources().used(Resource.OUTBOUND_STREAMS) == n - 1);
    get(peer.newStream(HOLD, NOTHING));
  }

  @Test
  void streamsPerProtocolStopAtTheLimit() throws Exception {
    int n = 2;
    Listener server = server(ResourceLimits.builder()
        .protocol(ResourceLimits.DEFAULT_PROTOCOL.withStreams(n, 2048)).build());
    Peer peer = connect(connector(), server);
    for (int i = 0; i < n; i++) {
      get(peer.newStream(HOLD, NOTHING));
    }
    await("the server to hold " + n + " streams", () -> held.size() == n);
    CompletableFuture<Stream> third = peer.newStream(HOLD, NOTHING);
    await("the protocol's limit to be hit", () -> hits.contains(Resource.INBOUND_STREAMS));
    // The initiator may see the protocol agreed before the reset: either way the stream ends.
    await("the refused stream to end", () -> third.isCompletedExceptionally()
        || third.isDone() && !third.join().channel().isOpen());
    assertThat(resources(server).usedByProtocol(HOLD, Resource.INBOUND_STREAMS)).isEqualTo(n);
    // Another protocol has its own scope.
    get(peer.newStream(SINK, NOTHING));
    await("the other protocol's stream", () -> held.size() == n + 1);
  }

  /**
   * The 600 streams a remote opened without ever naming a protocol: the documented bound of 256
   * still negotiating holds, the rest are reset, and the 256 are given back when they close.
   */
  @Test
  void streamsStillNegotiatingStopAtMaxPendingInboundStreams() throws Exception {
    int limit = PeerConfig.defaults().maxPendingInboundStreams();
    // Memory is not what this test is about: 256 windows of 256 KiB would pass a connection's default.
    Listener server = server(FAST.toBuilder().streamNegotiationTimeout(Duration.ofSeconds(60))
        .resourceLimits(ResourceLimits.builder().connection(ResourceLimits.DEFAULT_CONNECTION.withMemory(1L << 30))
            .peer(ResourceLimits.DEFAULT_PEER.withMemory(1L << 30)).system(ResourceLimits.DEFAULT_SYSTEM.withMemory(1L << 30))
            .build()).build());
    Peer peer = connect(connector(Connector.builder(Identity.generate()).dialPolicy(NO_RETRY)
        .config(FAST.toBuilder().resourceLimits(ResourceLimits.unlimited()).build())), server);
    YamuxSession session = ((PeerConnection) peer).channel().pipeline().get(YamuxSession.class);
    List<Channel> raw = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      // Never a word on them. Our side opens at most 256 the remote has not acknowledged yet.
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1)).ignoreExceptions()
          .until(() -> raw.add(session.openStream(quiet()).get(10, TimeUnit.SECONDS)));
    }
    await("all but " + limit + " to be reset", () -> raw.stream().filter(Channel::isOpen).count() == limit);
    assertThat(resources(server).used(Resource.INBOUND_STREAMS)).isEqualTo(limit);
    await("the refusal to be reported", () -> hits.contains(Resource.NEGOTIATING_STREAMS));

    // A stream that names its protocol is refused too while the negotiating streams are held...
    assertThatThrownBy(() -> get(peer.newStream(HOLD, NOTHING))).isInstanceOf(ExecutionException.class);
    // ...and gets through once one of them is gone.
    raw.stream().filter(Channel::isOpen).findFirst().orElseThrow().close();
    await("the closed one to be given back", () -> resources(server).used(Resource.INBOUND_STREAMS) == limit - 1);
    get(peer.newStream(HOLD, NOTHING));
    for (Channel c : raw) {
      c.close();
    }
    await("every negotiating stream to be given back", () -> resources(server).used(Resource.INBOUND_STREAMS) == 1);
  }

  /**
   * Every open stream holds its receive window, charged to each scope: at a scope's memory limit
   * the next stream is refused (the connection stays), nothing a remote sends within the windows
   * it was granted is ever refused, and closing gives back every byte.
   */
  @ParameterizedTest
  @EnumSource(value = Scope.class, names = {"SYSTEM", "PEER", "CONNECTION", "PROTOCOL"})
  void openStreamsStopAtEachScopesMemoryLimit(Scope scope) throws Exception {
    ResourceLimits limits = ResourceLimits.builder()
        .limit(scope, ResourceLimits.defaults().of(scope).withMemory(3 * WINDOW + WINDOW / 2)).build();
    Listener server = server(limits);
    Peer peer = connect(connector(), server);
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      streams.add(get(peer.newStream(SINK, NOTHING)));
    }
    await("the server to hold three streams", () -> held.size() == 3);

    for (Stream stream : streams) {
      stream.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[WINDOW])); // each one's whole window
    }
    // The protocol's name took a few bytes of each window; the rest is sent and held unread.
    await("every window spent", () -> streams.stream().allMatch(s -> yamux(s).sendWindow() == 0));
    await("every window's bytes held", () -> held.stream().allMatch(s -> yamux(s).bufferedInboundBytes() > WINDOW - 100));
    assertThat(resources(server).used(Resource.MEMORY)).isEqualTo(3L * WINDOW);
    assertThat(held).allMatch(s -> s.channel().isOpen());
    assertThat(hits).as("bytes within a granted window are never refused").doesNotContain(Resource.MEMORY);

    assertStreamRefused(peer);
    await("the refusal to be reported", () -> hits.contains(Resource.MEMORY));
    assertThat(peer.isOpen()).as("a stream-level breach keeps the connection").isTrue();

    held.get(0).channel().close();
    await("the closed stream's window given back", () -> resources(server).used(Resource.MEMORY) == 2L * WINDOW);
    Stream again = get(peer.newStream(SINK, NOTHING));
    assertThat(again.channel().isOpen()).isTrue();
    for (Stream s : held) {
      s.channel().close();
    }
    await("every byte given back", () -> resources(server).used(Resource.MEMORY) == 0
        && resources(server).used(Resource.INBOUND_STREAMS) == 0);
  }

  @Test
  void aStreamMemoryLimitBelowTheReceiveWindowRefusesEveryStream() throws Exception {
    Listener server = server(ResourceLimits.builder()
        .stream(ResourceLimits.DEFAULT_STREAM.withMemory(WINDOW - 1)).build());
    Peer peer = get(connector().connect(server.listenAddresses().get(0))); // identify's streams are refused too
    assertThatThrownBy(() -> get(peer.newStream(SINK, NOTHING))).isInstanceOf(ExecutionException.class);
    await("the refusal to be reported", () -> hits.contains(Resource.MEMORY));
    assertThat(peer.isOpen()).isTrue();
    assertThat(resources(server).used(Resource.MEMORY)).isZero();
  }

  /**
   * A stream over a memory limit is reset when it opens, or (over a protocol's limit) as soon as
   * its protocol is agreed: the opener may see either.
   */
  private static void assertStreamRefused(Peer peer) throws Exception {
    try {
      Stream stream = get(peer.newStream(SINK, NOTHING));
      await("the refused stream to be reset", () -> !stream.channel().isOpen());
    } catch (ExecutionException refused) {
      assertThat(refused.getCause()).isInstanceOf(PeerException.class);
    }
  }

  private static YamuxStreamChannel yamux(Stream stream) {
    return (YamuxStreamChannel) stream.channel();
  }

  @Test
  void connectionsPerPeerStopAtTheLimitAndComeBackWhenOneCloses() throws Exception {
    Listener server = server(ResourceLimits.builder()
        .peer(ResourceLimits.DEFAULT_PEER.withConnections(2, 8)).build());
    Identity same = Identity.generate();
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      peers.add(get(connector(Connector.builder(same).config(FAST).dialPolicy(NO_RETRY)).connect(
          server.listenAddresses().get(0))));
    }
    await("two connections", () -> resources(server).usedByPeer(same.peerId(), Resource.INBOUND_CONNECTIONS) == 2);

    Connector third = connector(Connector.builder(same).config(FAST).dialPolicy(NO_RETRY));
    assertRefused(third, server);
    await("the refusal to be reported", () -> hits.contains(Resource.INBOUND_CONNECTIONS));
    assertThat(resources(server).usedByPeer(same.peerId(), Resource.INBOUND_CONNECTIONS)).isEqualTo(2);

    get(peers.get(0).close());
    await("the closed connection to be given back",
        () -> resources(server).usedByPeer(same.peerId(), Resource.INBOUND_CONNECTIONS) == 1);
    Peer again = get(third.connect(server.listenAddresses().get(0)));
    assertThat(again.isOpen()).isTrue();
    get(again.close());
    get(peers.get(1).close());
    await("the peer's scope to go with its last connection", () -> resources(server).peerScopes() == 0
        && resources(server).used(Resource.INBOUND_CONNECTIONS) == 0);
  }

  @Test
  void connectionsOfTheWholeHostStopAtTheLimit() throws Exception {
    Listener server = server(ResourceLimits.builder()
        .system(ResourceLimits.DEFAULT_SYSTEM.withConnections(2, 512)).build());
    get(connector().connect(server.listenAddresses().get(0)));
    get(connector().connect(server.listenAddresses().get(0)));
    await("two connections", () -> resources(server).used(Resource.INBOUND_CONNECTIONS) == 2);
    assertRefused(connector(), server);
    assertThat(resources(server).used(Resource.INBOUND_CONNECTIONS)).isEqualTo(2);
  }

  /** The server closes a connection over a limit right after the handshake; the dialer may see either. */
  private static void assertRefused(Connector connector, Listener server) throws Exception {
    CompletableFuture<Peer> dial = connector.connect(server.listenAddresses().get(0));
    try {
      Peer p = dial.get(20, TimeUnit.SECONDS);
      await("the refused connection to close", () -> !p.isOpen());
    } catch (ExecutionException refused) {
      assertThat(refused.getCause()).isInstanceOf(PeerException.class);
    }
  }

  /** A raw stream's handler: its reset is expected, not worth a warning. */
  private static ChannelHandler quiet() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    };
  }

  @Test
  void limitsValidateAndDefaultsAreNamed() {
    assertThat(ResourceLimits.defaults().connection().memory()).isEqualTo(32L * 1024 * 1024);
    assertThat(PeerConfig.defaults().resourceLimits()).isEqualTo(ResourceLimits.defaults());
    assertThatThrownBy(() -> new Limit(-1, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
