package io.peerlink.relay.internal.circuit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds the first bytes of a circuit: those that arrive on a hop or stop stream after its last
 * handshake message (often in the same read), while reading is paused and until whoever takes
 * the circuit is ready. Put it in place of the handshake's handler, with {@code AUTO_READ} off;
 * then either
 *
 * <ul>
 *   <li>{@link #passOn()}: the client, once its handlers (security, yamux) are behind this one,
 *       gets the bytes through the pipeline, in order; this handler removes itself and reading
 *       resumes; or
 *   <li>{@link #drain()}: the relay's splice takes the buffers and forwards them itself.
 * </ul>
 *
 * <p>Optionally bounded: more than {@code maxBytes} held closes the stream (a peer may not make the
 * relay buffer without limit while the other end's handshake runs). An exception closes the
 * stream too: a broken stream is no circuit. {@code onInactive}, if given, runs when the stream
 * closes while its bytes are held.
 *
 * <p>Reference counting: held buffers are owned here until passed on or drained; they are
 * released if the stream closes, the bound is crossed, or the handler is removed first.
 * Must be used on the channel's event loop.
 */
public final class HeldBytes extends ChannelInboundHandlerAdapter {
  /** Name in the pipeline. */
  public static final String NAME = "circuit-held-bytes";

  private final long maxBytes;
  private final Runnable onInactive;
  private final List<ByteBuf> held = new ArrayList<>();
  private long size;
  private ChannelHandlerContext ctx;

  /** Holds without a bound and without a callback: a client's own circuit, read paused. */
  public HeldBytes() {
    this(Long.MAX_VALUE, null);
  }

  /**
   * Holds at most {@code maxBytes}.
   *
   * @param maxBytes the most bytes held before the stream is closed
   * @param onInactive runs if the stream closes while its bytes are held; may be null
   */
  public HeldBytes(long maxBytes, Runnable onInactive) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.onInactive = onInactive;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    size += buf.readableBytes();
    held.add(buf);
    if (size > maxBytes) {
      release();
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Swallowed: nothing behind us should see a read batch before the bytes are passed on.
  }

  /**
   * Takes the held buffers; ownership passes to the caller. The handler stays in the pipeline
   * (the caller removes it).
   *
   * @return the held buffers, in the order they arrived
   */
  public List<ByteBuf> drain() {
    List<ByteBuf> out = new ArrayList<>(held);
    held.clear();
    size = 0;
    return out;
  }

  /**
   * Fires the held bytes to the handlers behind this one, removes this handler and resumes
   * reading. Call after the circuit's consumer has installed its handlers.
   */
  public void passOn() {
    if (ctx == null || ctx.isRemoved()) {
      return;
    }
    List<ByteBuf> out = drain();
    for (ByteBuf b : out) {
      ctx.fireChannelRead(b);
    }
    if (!out.isEmpty()) {
      ctx.fireChannelReadComplete();
    }
    ctx.pipeline().remove(this);
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    if (onInactive != null) {
      onInactive.run();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void release() {
    for (ByteBuf b : held) {
      b.release();
    }
    held.clear();
    size = 0;
  }
}
