package io.peerlink.core.internal.host;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.MessageHandler;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.Stream;
import io.peerlink.core.spi.LengthPrefixedFrameDecoder;
import io.peerlink.core.spi.LengthPrefixedFrameEncoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message API of one connection over {@link MessageHandler#PROTOCOL}: one outbound stream
 * opened on the first send and reused, inbound streams the remote opens, each carrying
 * length-prefixed messages. Created lazily (most connections never send a message). All state is
 * touched on the connection's event loop only.
 */
final class MessageChannel {
  private static final Logger log = LoggerFactory.getLogger(MessageChannel.class);

  /**
   * Received messages held for {@code receive()} before the sending streams stop being read (the
   * remote then stalls on its yamux window instead of us buffering without bound).
   */
  static final int MAX_QUEUED = 256;

  private final PeerConnection conn;
  private final ConnectionStats stats;
  private final Supplier<MessageHandler> handler;
  private final int maxMessageSize;
  private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
  private final ArrayDeque<CompletableFuture<byte[]>> waiters = new ArrayDeque<>();
  private final List<Channel> paused = new ArrayList<>(1);
  private List<Pending> pendingSends; // while the outbound stream opens
  private Channel out;
  private boolean opening;
  private boolean closed;

  private record Pending(byte[] message, CompletableFuture<Void> done) {}

  /** {@code handler} names, per message, who takes it (null: queue it for {@code receive}). */
  MessageChannel(PeerConnection conn, ConnectionStats stats, Supplier<MessageHandler> handler, int maxMessageSize) {
    this.conn = conn;
    this.stats = stats;
    this.handler = handler;
    this.maxMessageSize = maxMessageSize;
  }

  /** Installs the inbound side on a stream the remote opened for the message protocol. */
  static void serve(Stream stream, int maxMessageSize) {
    PeerConnection conn = (PeerConnection) stream.peer();
    MessageChannel mc = conn.messages().channel();
    stream.channel().pipeline().addLast(
        new LengthPrefixedFrameDecoder(maxMessageSize), mc.new Inbound());
  }

  // ------------------------------------------------------------------ sending

  void send(byte[] message, CompletableFuture<Void> done) {
    if (closed) {
      done.completeExceptionally(closedError());
      return;
    }
    if (out != null && out.isActive()) {
      write(message, done);
      return;
    }
    if (pendingSends == null) {
      pendingSends = new ArrayList<>();
    }
    pendingSends.add(new Pending(message, done));
    if (!opening) {
      opening = true;
      conn.newStream(MessageHandler.PROTOCOL, s -> {
        s.channel().pipeline().addLast(new LengthPrefixedFrameDecoder(maxMessageSize),
            new LengthPrefixedFrameEncoder(maxMessageSize), new Inbound());
      }).whenComplete((s, err) -> conn.channel().eventLoop().execute(() -> opened(s, err)));
    }
  }

  private void opened(Stream s, Throwable err) {
    opening = false;
    List<Pending> sends = pendingSends;
    pendingSends = null;
    if (err != null) {
      PeerException pe = PeerException.wrap(err, PeerError.IO);
      sends.forEach(p -> p.done.completeExceptionally(pe));
      return;
    }
    out = s.channel();
    sends.forEach(p -> write(p.message, p.done));
  }

  private void write(byte[] message, CompletableFuture<Void> done) {
    out.writeAndFlush(Unpooled.wrappedBuffer(message)).addListener(f -> {
      if (f.isSuccess()) {
        stats.messageSent();
        done.complete(null);
      } else {
        done.completeExceptionally(PeerException.wrap(f.cause(), PeerError.IO));
      }
    });
  }

  // ------------------------------------------------------------------ receiving

  void receive(CompletableFuture<byte[]> result) {
    if (result.isDone()) {
      return; // cancelled before it got here: taking a message now would lose it
    }
    byte[] next = queued.poll();
    if (next != null) {
      if (!result.complete(next)) {
        queued.addFirst(next); // cancelled meanwhile by another thread
        return;
      }
      resumeIfDrained();
    } else if (closed) {
      result.completeExceptionally(closedError());
    } else {
      waiters.add(result);
      result.whenComplete((v, e) -> {
        if (result.isCancelled()) {
          conn.channel().eventLoop().execute(() -> waiters.remove(result));
        }
      });
    }
  }

  private void deliver(Channel from, byte[] message) {
    stats.messageReceived();
    MessageHandler h = handler.get();
    if (h != null) {
      try {
        h.onMessage(conn, message);
      } catch (Throwable t) {
        log.warn("MessageHandler threw on a message from {}; later messages still arrive", conn.peerId(), t);
      }
      return;
    }
    CompletableFuture<byte[]> w;
    while ((w = waiters.poll()) != null) {
      if (w.complete(message)) {
        return;
      }
    }
    queued.add(message);
    if (queued.size() >= MAX_QUEUED && !paused.contains(from)) {
      from.config().setAutoRead(false);
      paused.add(from);
    }
  }

  private void resumeIfDrained() {
    if (!paused.isEmpty() && queued.size() < MAX_QUEUED / 2) {
      for (Channel c : paused) {
        c.config().setAutoRead(true);
      }
      paused.clear();
    }
  }

  /** The connection closed: fail whoever waits. */
  void close() {
    closed = true;
    PeerException pe = closedError();
    CompletableFuture<byte[]> w;
    while ((w = waiters.poll()) != null) {
      w.completeExceptionally(pe);
    }
    if (pendingSends != null) {
      pendingSends.forEach(p -> p.done.completeExceptionally(pe));
      pendingSends = null;
    }
  }

  private PeerException closedError() {
    return new PeerException(PeerError.IO, "connection to " + conn.peerId() + " is closed; connect again");
  }

  static LimitExceededException tooLarge(int size, int max) {
    return new LimitExceededException("message of " + size + " bytes exceeds PeerConfig.maxMessageSize ("
        + max + " bytes): split it, or raise maxMessageSize on both peers");
  }

  /** Turns each frame into a byte array and hands it on; the frame is released here. */
  private final class Inbound extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      byte[] bytes;
      try {
        bytes = ByteBufUtil.getBytes(buf);
      } finally {
        buf.release();
      }
      deliver(ctx.channel(), bytes);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("message stream from {} failed: {}", conn.peerId(), cause.toString());
      ctx.close();
    }
  }
}
