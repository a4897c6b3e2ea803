package io.peerlink.relay.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds the bytes that arrive on a hop or stop stream after its last handshake message, until the
 * splice takes them ({@link #drain()}); they are the first bytes of the circuit. Bounded: more than
 * {@code maxBytes} while waiting fails the stream. Released if the stream closes or the handler is
 * removed undrained. {@code onInactive} runs if the stream closes while waiting.
 */
public final class PendingBytes extends ChannelInboundHandlerAdapter {
  private final int maxBytes;
  private final Runnable onInactive;
  private final List<ByteBuf> held = new ArrayList<>();
  private int size;

  public PendingBytes(int maxBytes, Runnable onInactive) {
    this.maxBytes = maxBytes;
    this.onInactive = onInactive;
  }

  /** Takes the held buffers (ownership passes to the caller). Call on the channel's event loop. */
  public List<ByteBuf> drain() {
    List<ByteBuf> out = new ArrayList<>(held);
    held.clear();
    size = 0;
    return out;
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
