package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.peerlink.core.ResourceLimits.Resource;
import io.peerlink.core.ResourceLimits.Scope;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.host.PeerConnection;
import io.peerlink.core.internal.resource.ResourceManager;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The resource manager's stream limits over QUIC, each at its exact boundary between real hosts on
 * loopback: QUIC streams are charged as yamux streams are (counts per connection, peer, protocol and
 * host, negotiating streams, and each stream's receive window as memory), N is granted, N+1 is
 * refused, and closing gives back exactly what was taken.
 */
@Timeout(120)
class QuicResourceLimitsLoopbackTest extends PeerTestSupport {
  private static final Multiaddr QUIC = Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1");
  private static final String HOLD = "/test/hold/1.0.0";
  private static final String SINK = "/test/sink/1.0.0";
  private static final StreamHandler NOTHING = stream -> { };
  /** The receive window each QUIC stream opens with, which it holds of its scopes while open. */
  private static final long WINDOW = QuicConfig.defaults().streamWindow();

  private final List<Stream> held = new CopyOnWriteArrayList<>();
  private final List<Resource> hits = new CopyOnWriteArrayList<>();

  /** Keeps every stream open and never reads. */
  private StreamHandler hold() {
    return stream -> {
      stream.channel().config().setAutoRead(false);
      held.add(stream);
    };
  }

  private Listener server(ResourceLimits limits) {
    return server(PeerConfig.builder().resourceLimits(limits).build());
  }

  private Listener server(PeerConfig config) {
    return listen(Listener.builder(Identity.generate()).config(config).listenOn(QUIC)
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

  private Connector client(ResourceLimits limits) {
    return connector(Connector.builder(Identity.generate()).dialPolicy(NO_RETRY)
        .config(PeerConfig.builder().resourceLimits(limits).build()));
  }

  /** Connects over QUIC and waits until identify is over both ways, so only the test's streams remain. */
  private Peer connect(Connector connector, Listener server) throws Exception {
    Peer peer = get(connector.connect(server.listenAddresses().get(0)));
    assertThat(peer.muxer()).isEqualTo("quic-v1");
    get(peer.identify());
    await("identify's streams to close", () -> resources(server).used(Resource.INBOUND_STREAMS) == 0
        && resources(server).used(Resource.OUTBOUND_STREAMS) == 0
        && resources(server).used(Resource.MEMORY) == 0);
    return peer;
  }

  /** A stream refused at the remote: its open fails, or it is reset right after. */
  private static void assertStreamRefused(Peer peer, String protocol) throws Exception {
    try {
      Stream stream = get(peer.newStream(protocol, NOTHING));
      await("the refused stream to be reset", () -> !stream.channel().isOpen());
    } catch (ExecutionException refused) {
      assertThat(refused.getCause()).isInstanceOf(Exception.class);
    }
  }

  @Test
  void inboundStreamsPerConnectionStopAtTheLimitAndComeBackWhenOneCloses() throws Exception {
    int n = 5;
    Listener server = server(ResourceLimits.builder()
        .connection(ResourceLimits.DEFAULT_CONNECTION.withStreams(n, 1024)).build());
    Peer peer = connect(client(ResourceLimits.defaults()), server);
    for (int i = 0; i < n; i++) {
      get(peer.newStream(HOLD, NOTHING));
    }
    await("the server to hold " + n + " streams", () -> held.size() == n);
    assertThat(resources(server).used(Resource.INBOUND_STREAMS)).isEqualTo(n);
    assertThat(resources(server).used(Resource.MEMORY)).isEqualTo(n * WINDOW);

    assertStreamRefused(peer, HOLD);
    await("the refusal to be reported", () -> hits.contains(Resource.INBOUND_STREAMS));
    assertThat(resources(server).used(Resource.INBOUND_STREAMS)).isEqualTo(n);
    assertThat(peer.isOpen()).as("a stream-level refusal keeps the connection").isTrue();

    held.get(0).channel().close();
    await("the closed stream to be given back", () -> resources(server).used(Resource.INBOUND_STREAMS) == n - 1
        && resources(server).used(Resource.MEMORY) == (n - 1) * WINDOW);
    get(peer.newStream(HOLD, NOTHING));
    await("the server to hold the new stream", () -> resources(server).used(Resource.INBOUND_STREAMS) == n);
  }

  @Test
  void outboundStreamsPerConnectionFailLocallyWithALimitError() throws Exception {
    int n = 3;
    Listener server = server(ResourceLimits.defaults());
    Connector client = client(ResourceLimits.builder()
        .connection(ResourceLimits.DEFAULT_CONNECTION.withStreams(1024, n)).build());
    Peer peer = connect(client, server);
    await("the client's identify stream to close", () -> client.core().resources().used(Resource.OUTBOUND_STREAMS) == 0);
    List<Stream> mine = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      mine.add(get(peer.newStream(HOLD, NOTHING)));
    }
    assertThat(client.core().resources().used(Resource.OUTBOUND_STREAMS)).isEqualTo(n);
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
    Peer peer = connect(client(ResourceLimits.defaults()), server);
    for (int i = 0; i < n; i++) {
      get(peer.newStream(HOLD, NOTHING));
    }
    await("the server to hold " + n + " streams", () -> held.size() == n);
    assertThat(resources(server).usedByProtocol(HOLD, Resource.INBOUND_STREAMS)).isEqualTo(n);
    CompletableFuture<Stream> third = peer.newStream(HOLD, NOTHING);
    await("the protocol's limit to be hit", () -> hits.contains(Resource.INBOUND_STREAMS));
    await("the refused stream to end", () -> third.isCompletedExceptionally()
        || third.isDone() && !third.join().channel().isOpen());
    assertThat(resources(server).usedByProtocol(HOLD, Resource.INBOUND_STREAMS)).isEqualTo(n);
    get(peer.newStream(SINK, NOTHING)); // another protocol has its own scope
    await("the other protocol's stream", () -> held.size() == n + 1);
  }

  /**
   * Streams the remote opened and never named a protocol on: {@code maxPendingInboundStreams} of
   * them are held, the next is reset, and one more gets through once one of them closes.
   */
  @Test
  void streamsStillNegotiatingStopAtMaxPendingInboundStreams() throws Exception {
    int limit = 4;
    Listener server = server(PeerConfig.builder().maxPendingInboundStreams(limit)
        .streamNegotiationTimeout(Duration.ofSeconds(60)).build());
    Peer peer = connect(client(ResourceLimits.unlimited()), server);
    QuicChannel quic = (QuicChannel) ((PeerConnection) peer).channel();
    List<Channel> raw = new ArrayList<>();
    for (int i = 0; i <= limit; i++) {
      Channel s = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter()).get();
      // The first byte of a multistream length prefix and nothing more: QUIC announces the stream,
      // and the remote waits for the rest of the protocol's name.
      s.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0x13})).sync();
      raw.add(s);
      if (i < limit) {
        int open = i + 1;
        await(open + " streams negotiating", () -> resources(server).used(Resource.INBOUND_STREAMS) == open);
      }
    }
    await("the refusal to be reported", () -> hits.contains(Resource.NEGOTIATING_STREAMS));
    assertThat(resources(server).used(Resource.INBOUND_STREAMS)).isEqualTo(limit);
    raw.get(0).close();
    await("the closed one to be given back", () -> resources(server).used(Resource.INBOUND_STREAMS) == limit - 1);
    get(peer.newStream(HOLD, NOTHING));
    await("the named stream to be held", () -> held.size() == 1);
    for (Channel c : raw) {
      c.close();
    }
    await("every negotiating stream to be given back", () -> resources(server).used(Resource.INBOUND_STREAMS) == 1);
  }

  /**
   * Every open QUIC stream holds its receive window of each scope: at a scope's memory limit the
   * next stream is refused (the connection stays), and closing gives back every byte.
   */
  @ParameterizedTest
  @EnumSource(value = Scope.class, names = {"SYSTEM", "PEER", "CONNECTION", "PROTOCOL"})
  void openStreamsStopAtEachScopesMemoryLimit(Scope scope) throws Exception {
    ResourceLimits limits = ResourceLimits.builder()
        .limit(scope, ResourceLimits.defaults().of(scope).withMemory(3 * WINDOW + WINDOW / 2)).build();
    Listener server = server(limits);
    Peer peer = connect(client(ResourceLimits.defaults()), server);
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      streams.add(get(peer.newStream(SINK, NOTHING)));
    }
    await("the server to hold three streams", () -> held.size() == 3);
    for (Stream stream : streams) {
      stream.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[(int) WINDOW / 2])).sync();
    }
    assertThat(resources(server).used(Resource.MEMORY)).isEqualTo(3 * WINDOW);
    assertThat(hits).as("bytes within a granted window are never refused").doesNotContain(Resource.MEMORY);

    assertStreamRefused(peer, SINK);
    await("the refusal to be reported", () -> hits.contains(Resource.MEMORY));
    assertThat(peer.isOpen()).as("a stream-level breach keeps the connection").isTrue();

    held.get(0).channel().close();
    await("the closed stream's window given back", () -> resources(server).used(Resource.MEMORY) == 2 * WINDOW);
    Stream again = get(peer.newStream(SINK, NOTHING));
    assertThat(again.channel().isOpen()).isTrue();
    for (Stream s : held) {
      s.channel().close();
    }
    await("every byte given back", () -> resources(server).used(Resource.MEMORY) == 0
        && resources(server).used(Resource.INBOUND_STREAMS) == 0);
  }
}
