package io.peerlink.core.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A yamux session on an {@link EmbeddedChannel}, with a {@link StreamProbe} on every stream, and
 * helpers to wire two peers back to back or to talk raw frames to one.
 */
final class YamuxTestPeer {
  final EmbeddedChannel channel;
  final YamuxSession session;
  final List<YamuxStreamChannel> accepted = new ArrayList<>();
  final List<Throwable> connectionExceptions = new ArrayList<>();
  final List<StreamProbe> probes = new ArrayList<>();

  YamuxTestPeer(boolean client, YamuxConfig config, Consumer<Channel> inboundSetup) {
    ChannelInitializer<Channel> init = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        inboundSetup.accept(ch);
        ch.pipeline().addLast(probe());
        accepted.add((YamuxStreamChannel) ch);
      }
    };
    session = new YamuxSession(client, config, init);
    channel = new EmbeddedChannel(session, new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connectionExceptions.add(cause);
      }
    });
  }

  /** Config without keep-alive, so the frame sequence is deterministic. */
  static YamuxConfig.Builder quiet() {
    return YamuxConfig.builder().keepAliveInterval(Duration.ZERO);
  }

  StreamProbe probe() {
    StreamProbe p = new StreamProbe();
    probes.add(p);
    return p;
  }

  /** Opens a stream with a probe on it; the pump must run for the SYN to reach the remote. */
  YamuxStreamChannel open() {
    StreamProbe p = probe();
    Future<Channel> f = session.openStream(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(p);
      }
    });
    channel.runPendingTasks();
    if (!f.isSuccess()) {
      throw new AssertionError("openStream failed", f.cause());
    }
    return (YamuxStreamChannel) f.getNow();
  }

  static StreamProbe probeOf(Channel stream) {
    return stream.pipeline().get(StreamProbe.class);
  }

  /** Moves bytes both ways until both peers are quiet. */
  static void pump(YamuxTestPeer a, YamuxTestPeer b) {
    boolean moved;
    int rounds = 0;
    do {
      if (++rounds > 100_000) {
        throw new AssertionError("pump does not settle");
      }
      a.channel.runPendingTasks();
      b.channel.runPendingTasks();
      moved = transfer(a.channel, b.channel);
      moved |= transfer(b.channel, a.channel);
    } while (moved);
  }

  /** Delivers everything {@code from} wrote to {@code to} as one read batch. */
  static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
    List<Object> batch = new ArrayList<>();
    for (Object m; (m = from.readOutbound()) != null; ) {
      batch.add(m);
    }
    if (batch.isEmpty()) {
      return false;
    }
    if (!to.isOpen()) {
      batch.forEach(ReferenceCountUtil::release);
      return true;
    }
    to.writeInbound(batch.toArray());
    return true;
  }

  /** Decodes everything the peer wrote so far into frames; the caller releases them. */
  List<YamuxFrame> writtenFrames() {
    EmbeddedChannel decoder = new EmbeddedChannel(new YamuxFrameDecoder());
    for (Object m; (m = channel.readOutbound()) != null; ) {
      decoder.writeInbound(m);
    }
    List<YamuxFrame> frames = reassemble(decoder);
    decoder.finishAndReleaseAll();
    return frames;
  }

  /**
   * Reads what a {@link YamuxFrameDecoder} produced (headers, each data header followed by its
   * payload pieces) and joins every data frame back to one frame with its whole payload (a copy;
   * tests only). The caller releases the frames.
   */
  static List<YamuxFrame> reassemble(EmbeddedChannel decoder) {
    List<YamuxFrame> frames = new ArrayList<>();
    for (Object m; (m = decoder.readInbound()) != null; ) {
      YamuxFrame header = (YamuxFrame) m;
      if (header.type() != YamuxFrame.TYPE_DATA) {
        frames.add(header);
        continue;
      }
      ByteBuf payload = Unpooled.buffer((int) header.length());
      while (payload.readableBytes() < header.length()) {
        ByteBuf piece = decoder.readInbound();
        if (piece == null) {
          payload.release();
          throw new AssertionError("payload of " + header + " incomplete");
        }
        payload.writeBytes(piece);
        piece.release();
      }
      frames.add(YamuxFrame.data(header.streamId(), header.flags(), payload));
    }
    return frames;
  }

  /** Like {@link #writtenFrames()} but releases payloads and keeps only headers as strings. */
  List<String> writtenHeaders() {
    List<String> out = new ArrayList<>();
    for (YamuxFrame f : writtenFrames()) {
      out.add(f.toString());
      f.release();
    }
    return out;
  }

  /** Feeds raw frames to the peer as one read batch. */
  void receive(YamuxFrame... frames) {
    EmbeddedChannel encoder = new EmbeddedChannel(new YamuxFrameEncoder());
    for (YamuxFrame f : frames) {
      encoder.writeOutbound(f);
    }
    List<Object> bytes = new ArrayList<>();
    for (Object m; (m = encoder.readOutbound()) != null; ) {
      bytes.add(m);
    }
    encoder.finish();
    if (channel.isOpen()) {
      channel.writeInbound(bytes.toArray());
    } else {
      bytes.forEach(ReferenceCountUtil::release);
    }
    channel.runPendingTasks();
  }

  /** Closes everything and releases what the test left behind. */
  void dispose() {
    channel.finishAndReleaseAll();
    channel.runPendingTasks();
    for (Object m; (m = channel.readOutbound()) != null; ) {
      ReferenceCountUtil.release(m);
    }
    probes.forEach(StreamProbe::dispose);
  }

  static ByteBuf bytes(byte[] b) {
    return Unpooled.wrappedBuffer(b);
  }
}
