package io.peerlink.core.internal.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Yamux over real TCP on 127.0.0.1: streams opened from a foreign thread, echo servers, big transfers. */
class YamuxLoopbackTest {

  private EventLoopGroup group;
  private Channel server;
  private Channel client;
  private YamuxSession clientSession;
  private final List<Channel> serverConnections = new ArrayList<>();

  /** Echoes every buffer back on the stream it came from. */
  @ChannelHandler.Sharable
  static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }

  /** Counts and checksums what a stream receives; completes once {@code expected} bytes arrived. */
  static final class Sink extends ChannelInboundHandlerAdapter {
    final long expected;
    final CRC32 crc = new CRC32();
    final AtomicLong count = new AtomicLong();
    final CompletableFuture<Long> done = new CompletableFuture<>();

    Sink(long expected) {
      this.expected = expected;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        crc.update(buf.nioBuffer());
        if (count.addAndGet(buf.readableBytes()) >= expected) {
          done.complete(crc.getValue());
        }
      } finally {
        buf.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
    }
  }

  @BeforeEach
  void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    YamuxConfig config = YamuxConfig.builder().keepAliveInterval(Duration.ofSeconds(30)).build();
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            synchronized (serverConnections) {
              serverConnections.add(ch);
            }
            ch.pipeline().addLast(new YamuxSession(false, config, new Echo()));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    clientSession = new YamuxSession(true, config, null);
    client = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(clientSession)
        .connect(server.localAddress()).sync().channel();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close().sync();
    }
    if (server != null) {
      server.close().sync();
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
  }

  private static ByteBuf pattern(Channel ch, int size, int seed, CRC32 crc) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 131 + seed);
    }
    crc.update(bytes);
    // One bulk write: at PARANOID leak detection every buffer call records a stack trace.
    return ch.alloc().buffer(size).writeBytes(bytes);
  }

  @Test
  void hundredStreamsOpenedFromAForeignThreadEchoConcurrently() throws Exception {
    int streams = 100;
    int size = 100 * 1024;
    List<CompletableFuture<Long>> results = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    List<Future<Channel>> opens = new ArrayList<>();
    List<Sink> sinks = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      Sink sink = new Sink(size);
      sinks.add(sink);
      opens.add(clientSession.openStream(sink));
    }
    for (int i = 0; i < streams; i++) {
      Channel stream = opens.get(i).get(5, TimeUnit.SECONDS);
      CRC32 crc = new CRC32();
      stream.writeAndFlush(pattern(stream, size, i, crc));
      expected.add(crc.getValue());
      results.add(sinks.get(i).done);
    }
    for (int i = 0; i < streams; i++) {
      assertThat(results.get(i).get(20, TimeUnit.SECONDS)).as("stream %d", i).isEqualTo(expected.get(i));
    }
    assertThat(((YamuxStreamChannel) opens.get(99).getNow()).streamId()).isEqualTo(199);
  }

  @Test
  void tenMebibytesThroughOneStreamAndBack() throws Exception {
    int total = 10 * 1024 * 1024;
    Sink sink = new Sink(total);
    Channel stream = clientSession.openStream(sink).get(5, TimeUnit.SECONDS);
    CRC32 crc = new CRC32();
    int chunk = 256 * 1024;
    for (int off = 0; off < total; off += chunk) {
      ByteBuf buf = pattern(stream, chunk, off, crc);
      // Respect writability like a well-behaved producer; wait on the write when unwritable.
      ChannelFuture f = stream.writeAndFlush(buf);
      if (!stream.isWritable()) {
        f.get(20, TimeUnit.SECONDS);
      }
    }
    assertThat(sink.done.get(30, TimeUnit.SECONDS)).isEqualTo(crc.getValue());
  }

  @Test
  void pingMeasuresRoundTripAndClosingTheConnectionClosesStreams() throws Exception {
    long rtt = clientSession.ping().get(5, TimeUnit.SECONDS);
    assertThat(rtt).isPositive();
    Channel stream = clientSession.openStream().get(5, TimeUnit.SECONDS);
    client.close().sync();
    assertThat(stream.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
    Future<Channel> afterClose = clientSession.openStream();
    assertThat(afterClose.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(afterClose.isSuccess()).isFalse();
  }
}
