package io.peerlink.core.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.peerlink.core.ProtocolViolationException;
import java.util.List;

/**
 * Splits a plaintext byte stream into {@link YamuxFrame}s.
 *
 * <p>The header is checked before anything is buffered: the version must be 0, the type one of the
 * four defined, and a data frame's length at most {@code maxDataFrameLength}. A data frame's payload
 * is a {@link ByteBuf#readRetainedSlice retained slice} of the inbound buffer (no copy); the frame is
 * passed on and its consumer releases it.
 *
 * <p>Malformed input goes through one {@link #fail} path: the rest of the input is discarded, a
 * {@link ProtocolViolationException} is fired through {@code exceptionCaught} (so a
 * {@link YamuxSession} behind it can send go away with {@link GoAwayCode#PROTOCOL_ERROR}), and the
 * channel is closed. Nothing is decoded afterwards.
 */
public final class YamuxFrameDecoder extends ByteToMessageDecoder {

  private final long maxDataFrameLength;
  private boolean failed;

  /**
   * @param maxDataFrameLength the largest data payload accepted, in bytes; a larger length fails the
   *     connection before its payload is buffered
   */
  public YamuxFrameDecoder(long maxDataFrameLength) {
    if (maxDataFrameLength < 1 || maxDataFrameLength > Integer.MAX_VALUE - YamuxFrame.HEADER_LENGTH) {
      throw new IllegalArgumentException("maxDataFrameLength out of range: " + maxDataFrameLength);
    }
    this.maxDataFrameLength = maxDataFrameLength;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.readableBytes() >= YamuxFrame.HEADER_LENGTH) {
      int start = in.readerIndex();
      int version = in.getUnsignedByte(start);
      int type = in.getUnsignedByte(start + 1);
      int flags = in.getUnsignedShort(start + 2);
      long streamId = in.getUnsignedInt(start + 4);
      long length = in.getUnsignedInt(start + 8);
      if (version != YamuxFrame.VERSION) {
        fail(ctx, in, "unsupported yamux version " + version);
        return;
      }
      if (type > YamuxFrame.TYPE_GO_AWAY) {
        fail(ctx, in, "unknown yamux frame type " + type);
        return;
      }
      if (type == YamuxFrame.TYPE_DATA) {
        if (length > maxDataFrameLength) {
          fail(ctx, in, "yamux data frame of " + length + " bytes exceeds the limit of "
              + maxDataFrameLength);
          return;
        }
        if (in.readableBytes() < YamuxFrame.HEADER_LENGTH + length) {
          return; // wait for the payload; bounded by the check above
        }
        in.skipBytes(YamuxFrame.HEADER_LENGTH);
        ByteBuf payload = in.readRetainedSlice((int) length);
        out.add(YamuxFrame.decoded(type, flags, streamId, length, payload));
      } else {
        in.skipBytes(YamuxFrame.HEADER_LENGTH);
        out.add(YamuxFrame.decoded(type, flags, streamId, length, null));
      }
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, String message) {
    failed = true;
    in.skipBytes(in.readableBytes());
    ctx.fireExceptionCaught(new ProtocolViolationException(message));
    ctx.channel().close();
  }
}
