package io.peerlink.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.peerlink.core.internal.yamux.YamuxConfig;
import io.peerlink.core.internal.yamux.YamuxFrame;
import io.peerlink.core.internal.yamux.YamuxFrameEncoder;
import io.peerlink.core.internal.yamux.YamuxSession;
import io.peerlink.relay.server.internal.CircuitSplice;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The relay's own work per relayed byte, without sockets or crypto: a MiB arrives on the source's
 * connection (16 KiB reads of 64 KiB yamux data frames), is decoded, spliced by
 * {@link CircuitSplice} onto the target's stream and encoded onto the target's connection, whose
 * window grants are replayed. Operations per second are MiB/s; compare with the cost of one
 * decrypt plus one encrypt of a MiB (the end-to-end benchmark measures both in one run).
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar RelaySplice}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RelaySpliceBenchmark {
  private static final int MIB = 1024 * 1024;
  private static final int READ = 16 * 1024;
  private static final int FRAME = 64 * 1024;

  private EmbeddedChannel sourceConn;
  private EmbeddedChannel targetConn;
  private ByteBuf inbound;

  @Setup(Level.Trial)
  public void setUp() {
    YamuxConfig config = YamuxConfig.builder().keepAliveInterval(Duration.ZERO)
        .initialStreamWindow(16 * MIB).maxStreamWindow(16 * MIB).build();
    Channel[] hop = new Channel[1];
    sourceConn = new EmbeddedChannel(new YamuxSession(false, config, new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        hop[0] = ch;
        ch.config().setAutoRead(false);
      }
    }));
    sourceConn.writeInbound(encode(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_SYN, 0)));
    targetConn = new EmbeddedChannel(new YamuxSession(true, config, null));
    YamuxSession targetSession = targetConn.pipeline().get(YamuxSession.class);
    Future<Channel> opened = targetSession.openStream();
    targetConn.runPendingTasks();
    Channel stop = opened.getNow();
    stop.config().setAutoRead(false);
    // The target grants a large window up front so the steady state is not window-bound.
    targetConn.writeInbound(encode(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_ACK, 64L * MIB)));
    drain(targetConn);
    drain(sourceConn);

    CircuitSplice splice = new CircuitSplice(hop[0], stop, 0, Duration.ZERO, Duration.ofSeconds(1),
        Channel::close, null);
    splice.start(List.of(), List.of());
    sourceConn.runPendingTasks();
    targetConn.runPendingTasks();

    ByteBuf frames = PooledByteBufAllocator.DEFAULT.directBuffer(MIB + (MIB / FRAME) * 12);
    for (int sent = 0; sent < MIB; sent += FRAME) {
      ByteBuf one = encode(YamuxFrame.data(1, 0, PooledByteBufAllocator.DEFAULT.directBuffer(FRAME).writeZero(FRAME)));
      frames.writeBytes(one);
      one.release();
    }
    inbound = frames;
    int relayed = relayOneMebibyte();
    if (relayed < MIB) {
      throw new IllegalStateException("the splice forwarded " + relayed + " bytes of a MiB");
    }
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

  /** One MiB relayed from the source's connection to the target's. */
  @Benchmark
  public int relayOneMebibyte() {
    ByteBuf all = inbound;
    for (int off = 0; off < all.writerIndex(); off += READ) {
      sourceConn.writeInbound(all.retainedSlice(off, Math.min(READ, all.writerIndex() - off)));
    }
    drain(sourceConn); // window updates back to the source
    int out = drain(targetConn);
    targetConn.writeInbound(encode(YamuxFrame.windowUpdate(1, 0, MIB)));
    return out;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sourceConn.finishAndReleaseAll();
    targetConn.finishAndReleaseAll();
    inbound.release();
  }
}
