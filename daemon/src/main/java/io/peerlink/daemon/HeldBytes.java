package io.peerlink.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Holds what a channel reads while its other half is not ready yet: a libp2p stream's first bytes
 * while the daemon dials back the handler's address, or bytes a client sent right behind its
 * STREAM_OPEN request while the stream opens. Reading stops as it is installed; what was already
 * read, and an end of input, wait here until {@link Splice} takes over and replays them.
 *
 * <p>What it holds is bounded by what the other end may send before an answer: a stream's receive
 * window, or a socket's one read.
 */
final class HeldBytes extends ChannelInboundHandlerAdapter {
  static final String NAME = "held-bytes";

  private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
  private boolean inputShutdown;

  /**
   * Installs a holder at the end of {@code channel}'s pipeline and stops reading.
   *
   * @param channel the channel to hold
   */
  static void install(Channel channel) {
    channel.config().setAutoRead(false);
    channel.pipeline().addLast(NAME, new HeldBytes());
  }

  /**
   * Removes the holder from {@code channel}, if it has one, handing back what it held.
   *
   * @param channel the channel
   * @return the holder, or null if there was none
   */
  static HeldBytes remove(Channel channel) {
    if (channel.pipeline().get(NAME) instanceof HeldBytes h) {
      channel.pipeline().remove(h);
      return h;
    }
    return null;
  }

  /**
   * Queues {@code buf}: bytes that arrived before the holder, in order, ahead of any it reads.
   *
   * @param buf the bytes; the holder takes ownership
   */
  void hold(ByteBuf buf) {
    held.add(buf);
  }

  /** {@return the held buffers, in order; the caller takes ownership} */
  ArrayDeque<ByteBuf> drain() {
    ArrayDeque<ByteBuf> out = new ArrayDeque<>(held);
    held.clear();
    return out;
  }

  /** {@return whether the input ended while held} */
  boolean inputShutdown() {
    return inputShutdown;
  }

  /** Releases whatever is held, for a channel that will not be spliced after all. */
  void discard() {
    held.forEach(ReferenceCountUtil::release);
    held.clear();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      held.add(buf);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShutdown = true;
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      discard();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    discard();
    ctx.fireChannelInactive();
  }
}
