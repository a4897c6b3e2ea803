package io.peerlink.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.peerlink.core.internal.yamux.YamuxConfig;
import io.peerlink.core.internal.yamux.YamuxFrame;
import io.peerlink.core.internal.yamux.YamuxFrameEncoder;
import io.peerlink.core.internal.yamux.YamuxSession;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The yamux data path without sockets or crypto: one MiB of stream data per operation, received
 * (decoder + session + stream channel delivering to a handler that releases, window updates
 * included) or sent (stream channel + session + encoder). Inbound bytes arrive in 16 KiB reads, the
 * size of the TLS records the decoder sees on a real connection, carrying data frames of
 * {@code frameSize} bytes (go sends 64 KiB, js up to the whole window). Results are operations per
 * second, so MiB/s.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar YamuxCodec}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class YamuxCodecBenchmark {
  private static final int MIB = 1024 * 1024;
  private static final int READ = 16 * 1024;

  /** Data frame payload size of the inbound stream. */
  @Param({"65536", "1048576"})
  public int frameSize;

  private EmbeddedChannel receiver;
  private ByteBuf inbound;
  private EmbeddedChannel sender;
  private Channel senderStream;
  private ByteBuf outboundPayload;

  @Setup(Level.Trial)
  public void setUp() {
    YamuxConfig config = YamuxConfig.builder().keepAliveInterval(Duration.ZERO)
        .initialStreamWindow(16 * MIB).maxStreamWindow(16 * MIB).build();

    // Receiver: a server session whose inbound stream drops what it reads.
    receiver = new EmbeddedChannel(new YamuxSession(false, config, new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
          }
        });
      }
    }));
    receiver.writeInbound(encode(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_SYN, 0)));
    // One MiB of data frames for stream 1, encoded once; each operation replays it. The window
    // never runs out because the session grants it back as the handler consumes.
    ByteBuf frames = PooledByteBufAllocator.DEFAULT.directBuffer(MIB + 64 * 12);
    for (int sent = 0; sent < MIB; sent += frameSize) {
      int n = Math.min(frameSize, MIB - sent);
      ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(n).writeZero(n);
      ByteBuf one = encode(YamuxFrame.data(1, 0, payload));
      frames.writeBytes(one);
      one.release();
    }
    inbound = frames;

    // Sender: a client session with an open stream whose remote window never closes.
    sender = new EmbeddedChannel(new YamuxSession(true, config, null));
    YamuxSession session = sender.pipeline().get(YamuxSession.class);
    Future<Channel> opened = session.openStream();
    sender.runPendingTasks();
    senderStream = opened.getNow();
    drain(sender);
    outboundPayload = PooledByteBufAllocator.DEFAULT.directBuffer(MIB).writeZero(MIB);
  }

  private static ByteBuf encode(YamuxFrame frame) {
    EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrameEncoder());
    ch.writeOutbound(frame);
    ByteBuf all = PooledByteBufAllocator.DEFAULT.directBuffer();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    ch.finish();
    return all;
  }

  private static int drain(EmbeddedChannel ch) {
    int bytes = 0;
    for (Object m; (m = ch.readOutbound()) != null; ) {
      if (m instanceof ByteBuf b) {
        bytes += b.readableBytes();
      }
      ReferenceCountUtil.release(m);
    }
    return bytes;
  }

  /** One MiB received: 16 KiB reads through the decoder, the session and the stream channel. */
  @Benchmark
  public int receiveOneMebibyte() {
    ByteBuf all = inbound;
    for (int off = 0; off < all.writerIndex(); off += READ) {
      receiver.writeInbound(all.retainedSlice(off, Math.min(READ, all.writerIndex() - off)));
    }
    return drain(receiver); // window updates
  }

  /** One MiB sent on a stream: framing (64 KiB frames) and encoding, with window grants replayed. */
  @Benchmark
  public int sendOneMebibyte() {
    senderStream.writeAndFlush(outboundPayload.retainedDuplicate());
    int written = drain(sender);
    // Grant the window back, as the remote's updates would.
    sender.writeInbound(encode(YamuxFrame.windowUpdate(1, 0, MIB)));
    return written;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    receiver.finishAndReleaseAll();
    sender.finishAndReleaseAll();
    inbound.release();
    outboundPayload.release();
  }
}
