package io.peerlink.relay.internal.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Holds the first bytes of a circuit (those that arrived in the same read as the relay's STATUS)
 * while reading is paused, until whoever takes the circuit has put its handlers behind this one;
 * {@link #passOn} then hands them on in order, removes this handler and resumes reading.
 *
 * <p>Reference counting: held buffers are owned here until passed on; released if the channel
 * closes or the handler is removed first.
 */
public final class HeldBytes extends ChannelInboundHandlerAdapter {
  /** Name in the pipeline. */
  public static final String NAME = "relay-held-bytes";

  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf) {
      held.add(msg);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Swallowed: nothing behind us should see a read batch before passOn.
  }

  /**
   * Fires the held bytes to the next handlers, removes this handler and resumes reading. Call on
   * the channel's event loop after the circuit's consumer has installed its handlers.
   */
  public void passOn() {
    if (ctx == null || ctx.isRemoved()) {
      return;
    }
    boolean any = !held.isEmpty();
    Object m;
    while ((m = held.poll()) != null) {
      ctx.fireChannelRead(m);
    }
    if (any) {
      ctx.fireChannelReadComplete();
    }
    ctx.pipeline().remove(this);
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  private void release() {
    Object m;
    while ((m = held.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }
}
