package io.peerlink.core.internal.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.peerlink.core.internal.Varint;

/**
 * Writes {@link MplexFrame}s: the header and length go in a small buffer of their own and the data
 * follows as it is, so payloads are never copied. Other messages pass through.
 */
final class MplexFrameEncoder extends ChannelOutboundHandlerAdapter {
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof MplexFrame frame)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf data = frame.data().retain();
    frame.release();
    long header = frame.streamId() << 3 | frame.flag();
    ByteBuf prefix = ctx.alloc().buffer(Varint.size(header) + Varint.size(data.readableBytes()));
    Varint.write(prefix, header);
    Varint.write(prefix, data.readableBytes());
    if (!data.isReadable()) {
      data.release();
      ctx.write(prefix, promise);
      return;
    }
    ctx.write(prefix, ctx.voidPromise());
    ctx.write(data, promise);
  }
}
