package io.peerlink.core.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link YamuxFrame}s as bytes: a freshly allocated 12-byte header followed, for data frames,
 * by the payload buffer itself (retained, never copied). The encoder releases each frame it encodes.
 */
@ChannelHandler.Sharable
public final class YamuxFrameEncoder extends MessageToMessageEncoder<YamuxFrame> {

  /** Creates an encoder; it holds no state and may be shared. */
  public YamuxFrameEncoder() {
    super(YamuxFrame.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, YamuxFrame frame, List<Object> out) {
    ByteBuf header = ctx.alloc().buffer(YamuxFrame.HEADER_LENGTH);
    frame.writeHeader(header);
    out.add(header);
    if (frame.type() == YamuxFrame.TYPE_DATA && frame.length() > 0) {
      out.add(frame.payload().retain());
    }
  }
}
