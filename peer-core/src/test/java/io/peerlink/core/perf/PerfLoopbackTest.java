package io.peerlink.core.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.Stream;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.yamux.YamuxStreamChannel;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The perf protocol between two peerlink peers over real TCP on 127.0.0.1, good runs and bad ones. */
class PerfLoopbackTest {
  private static final long MIB = 1 << 20;
  private final List<AutoCloseable> closers = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
  }

  private Peer connect(SecurityProtocol security, StreamHandler perfServer) throws Exception {
    PeerConfig cfg = PeerConfig.builder().securityProtocols(security).build();
    Listener server = Listener.builder(Identity.generate())
        .config(cfg)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(Perf.PROTOCOL, perfServer)
        .build().start().get(20, TimeUnit.SECONDS);
    closers.add(server);
    Connector client = Connector.builder(Identity.generate()).config(cfg).build();
    closers.add(client);
    return client.connect(server.listenAddresses().get(0)).get(20, TimeUnit.SECONDS);
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  /** Counts the bytes the server reads (the 8-byte header included) in front of the real server. */
  private static StreamHandler counting(AtomicLong received, PerfConfig config) {
    StreamHandler server = Perf.server(config);
    return s -> {
      s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          received.addAndGet(((ByteBuf) msg).readableBytes());
          ctx.fireChannelRead(msg);
        }
      });
      server.handle(s);
    };
  }

  private static PeerException cause(Throwable t) {
    assertThat(t).isInstanceOf(ExecutionException.class);
    assertThat(t.getCause()).isInstanceOf(PeerException.class);
    return (PeerException) t.getCause();
  }

  @ParameterizedTest
  @EnumSource(SecurityProtocol.class)
  void thirtyTwoMebibytesEachWayArriveCounted(SecurityProtocol security) throws Exception {
    AtomicLong serverRead = new AtomicLong();
    Peer peer = connect(security, counting(serverRead, PerfConfig.defaults()));

    PerfRun run = Perf.start(peer, 32 * MIB, 32 * MIB);
    PerfResult r = get(run.result());

    assertThat(r.uploadBytes()).isEqualTo(32 * MIB);
    assertThat(r.downloadBytes()).isEqualTo(32 * MIB);
    assertThat(serverRead.get()).isEqualTo(32 * MIB + 8);
    assertThat(run.uploadedBytes()).isEqualTo(32 * MIB);
    assertThat(run.downloadedBytes()).isEqualTo(32 * MIB);
    assertThat(r.uploadTime()).isPositive();
    assertThat(r.downloadTime()).isPositive();
    assertThat(r.totalTime()).isEqualTo(r.uploadTime().plus(r.downloadTime()));
  }

  @Test
  void uploadOnlyDownloadOnlyAndNothingAtAll() throws Exception {
    AtomicLong serverRead = new AtomicLong();
    Peer peer = connect(SecurityProtocol.NOISE, counting(serverRead, PerfConfig.defaults()));

    PerfResult up = get(Perf.measure(peer, 10 * MIB, 0));
    assertThat(up.uploadBytes()).isEqualTo(10 * MIB);
    assertThat(up.downloadBytes()).isZero();

    PerfResult down = get(Perf.measure(peer, 0, 10 * MIB + 123));
    assertThat(down.uploadBytes()).isZero();
    assertThat(down.downloadBytes()).isEqualTo(10 * MIB + 123);

    PerfResult none = get(Perf.measure(peer, 0, 0));
    assertThat(none.uploadBytes()).isZero();
    assertThat(none.downloadBytes()).isZero();
    assertThat(serverRead.get()).isEqualTo(10 * MIB + 3 * 8);
  }

  @Test
  void eightConcurrentRunsShareOneConnection() throws Exception {
    Peer peer = connect(SecurityProtocol.TLS, Perf.server());
    List<CompletableFuture<PerfResult>> runs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      runs.add(Perf.measure(peer, 4 * MIB, 4 * MIB + i));
    }
    for (int i = 0; i < 8; i++) {
      PerfResult r = get(runs.get(i));
      assertThat(r.uploadBytes()).isEqualTo(4 * MIB);
      assertThat(r.downloadBytes()).isEqualTo(4 * MIB + i);
    }
  }

  @Test
  void askingForMoreThanTheServerAllowsResetsTheStream() throws Exception {
    Peer peer = connect(SecurityProtocol.NOISE, Perf.server(PerfConfig.builder().maxDownloadBytes(MIB).build()));
    assertThatThrownBy(() -> get(Perf.measure(peer, 0, MIB + 1)))
        .satisfies(t -> assertThat(cause(t).kind()).isEqualTo(PeerError.IO));
    // The same connection still serves a request within the limit.
    assertThat(get(Perf.measure(peer, MIB, MIB)).downloadBytes()).isEqualTo(MIB);
  }

  @Test
  void aShortHeaderGetsTheStreamReset() throws Exception {
    Peer peer = connect(SecurityProtocol.NOISE, Perf.server());
    RawClient raw = RawClient.open(peer);
    raw.writeAndHalfClose(Unpooled.wrappedBuffer(new byte[] {0, 0, 0}));
    assertThat(get(raw.closed)).as("stream ended with a reset").isInstanceOf(PeerException.class);
    assertThat(raw.received.get()).isZero();
  }

  @Test
  void aRemoteThatNeverHalfClosesIsResetAfterTheIdleTimeout() throws Exception {
    Peer peer = connect(SecurityProtocol.TLS,
        Perf.server(PerfConfig.builder().idleTimeout(Duration.ofMillis(300)).build()));
    RawClient raw = RawClient.open(peer);
    raw.write(Unpooled.buffer().writeLong(MIB).writeZero(1000));
    assertThat(get(raw.closed)).as("stream ended with a reset").isInstanceOf(PeerException.class);
    assertThat(raw.received.get()).as("nothing is sent before the upload ends").isZero();
  }

  @Test
  void aServerThatNeverAnswersTimesTheClientOut() throws Exception {
    // Reads and drops everything, never answers, never closes.
    Peer peer = connect(SecurityProtocol.NOISE, s -> s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
      }
    }));
    PerfRun run = Perf.start(peer, MIB, MIB, PerfConfig.builder().idleTimeout(Duration.ofMillis(300)).build());
    assertThatThrownBy(() -> get(run.result())).satisfies(t -> assertThat(cause(t)).isInstanceOf(PeerTimeoutException.class));
    assertThat(run.uploadedBytes()).isEqualTo(MIB);
  }

  @Test
  void aServerResetMidUploadFailsTheRun() throws Exception {
    // Resets the stream once 4 MiB of the upload have arrived.
    Peer peer = connect(SecurityProtocol.TLS, s -> s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
      long seen;

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        seen += ((ByteBuf) msg).readableBytes();
        ReferenceCountUtil.release(msg);
        if (seen >= 4 * MIB && ctx.channel().isOpen()) {
          ((YamuxStreamChannel) ctx.channel()).reset();
        }
      }
    }));
    PerfRun run = Perf.start(peer, 64 * MIB, 0);
    assertThatThrownBy(() -> get(run.result())).satisfies(t -> assertThat(cause(t).kind()).isEqualTo(PeerError.IO));
    assertThat(run.uploadedBytes()).isLessThan(64 * MIB);
    // The connection survives a reset stream.
    assertThat(get(peer.ping())).isPositive();
  }

  @Test
  void cancellingMidDownloadResetsTheServersStream() throws Exception {
    CompletableFuture<Void> serverStreamClosed = new CompletableFuture<>();
    StreamHandler server = Perf.server();
    Peer peer = connect(SecurityProtocol.NOISE, s -> {
      s.channel().closeFuture().addListener(f -> serverStreamClosed.complete(null));
      server.handle(s);
    });
    PerfRun run = Perf.start(peer, 0, 512 * MIB);
    // Poll the counter from this thread: no callback is offered, by design.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (run.downloadedBytes() < 8 * MIB && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000); // poll the counter, as a progress reporter would
    }
    assertThat(run.downloadedBytes()).isGreaterThanOrEqualTo(8 * MIB);
    run.result().cancel(true);
    get(serverStreamClosed);
    assertThat(run.downloadedBytes()).isLessThan(512 * MIB);
  }

  /** A client that writes raw bytes on a perf stream and records how the stream ends. */
  private static final class RawClient extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    final AtomicLong received = new AtomicLong();
    private Throwable error;
    private Stream stream;

    static RawClient open(Peer peer) throws Exception {
      RawClient c = new RawClient();
      c.stream = get(peer.newStream(Perf.PROTOCOL, s -> s.channel().pipeline().addLast(c)));
      return c;
    }

    void write(ByteBuf buf) {
      stream.channel().writeAndFlush(buf);
    }

    void writeAndHalfClose(ByteBuf buf) {
      stream.channel().writeAndFlush(buf).addListener(f -> ((DuplexChannel) stream.channel()).shutdownOutput());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      received.addAndGet(((ByteBuf) msg).readableBytes());
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      error = cause;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed.complete(error == null ? new AssertionError("closed without a reset") : error);
    }
  }
}
