package io.peerlink.core.internal.host;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes a connection's transport reads and writes; sits first in the pipeline, below
 * the security handler. On a QUIC connection one counter sits first in every stream's pipeline
 * instead (the streams share their connection's event loop). Updated on the event loop only; read
 * from any thread.
 */
@ChannelHandler.Sharable
final class TrafficCounter extends ChannelDuplexHandler {
  static final String NAME = "peerlink-traffic";

  private volatile long read;
  private volatile long written;

  long bytesRead() {
    return read;
  }

  long bytesWritten() {
    return written;
  }

  @Override
  @SuppressWarnings("NonAtomicOperationOnVolatileField") // single writer: the event loop
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    read += size(msg);
    ctx.fireChannelRead(msg);
  }

  @Override
  @SuppressWarnings("NonAtomicOperationOnVolatileField")
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    written += size(msg);
    ctx.write(msg, promise);
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf b) {
      return b.readableBytes();
    }
    if (msg instanceof ByteBufHolder h) {
      return h.content().readableBytes();
    }
    return 0;
  }
}
