package io.peerlink.core.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.peerlink.core.ProtocolViolationException;

/**
 * Splits a plaintext byte stream into yamux frames, without buffering payloads.
 *
 * <p>Every frame comes out as its {@link YamuxFrame} header. A data frame's header carries the
 * payload length and no payload ({@link YamuxFrame#payload()} is empty); the payload follows as one
 * or more {@link ByteBuf} messages, {@link ByteBuf#readRetainedSlice retained slices} of the inbound
 * buffers (no copy), whose lengths add up to the header's length. They are passed on as soon as
 * they arrive, so a data frame as large as the window the receiver granted (16 MiB and more, as
 * js-libp2p sends) is never held here: the only bytes this decoder keeps are a header split across
 * reads (at most 11). Whoever consumes the slices releases them.
 *
 * <p>The decoder does not bound a data frame's length: only the receiver knows the window it
 * granted the stream, so {@link YamuxSession} checks the length against the window on the header,
 * before any payload byte is passed on.
 *
 * <p>Malformed headers (a version other than 0, an unknown type) go through one {@link #fail} path:
 * the rest of the input is discarded, a {@link ProtocolViolationException} is fired through
 * {@code exceptionCaught} (so the session behind it sends go away with
 * {@link GoAwayCode#PROTOCOL_ERROR}), and the channel is closed. Nothing is decoded afterwards.
 */
public final class YamuxFrameDecoder extends ChannelInboundHandlerAdapter {

  private final byte[] header = new byte[YamuxFrame.HEADER_LENGTH];
  private int headerBytes;
  /** Payload bytes of the current data frame still to come; 0 while reading a header. */
  private long payloadRemaining;
  private boolean failed;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      while (!failed && in.isReadable()) {
        if (payloadRemaining > 0) {
          int n = (int) Math.min(payloadRemaining, in.readableBytes());
          payloadRemaining -= n;
          ctx.fireChannelRead(in.readRetainedSlice(n));
        } else {
          readHeader(ctx, in);
        }
      }
    } finally {
      in.release();
    }
  }

  private void readHeader(ChannelHandlerContext ctx, ByteBuf in) {
    int n = Math.min(YamuxFrame.HEADER_LENGTH - headerBytes, in.readableBytes());
    in.readBytes(header, headerBytes, n);
    headerBytes += n;
    if (headerBytes < YamuxFrame.HEADER_LENGTH) {
      return; // the rest of the header comes with the next read
    }
    headerBytes = 0;
    int version = header[0] & 0xFF;
    int type = header[1] & 0xFF;
    int flags = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    long streamId = u32(4);
    long length = u32(8);
    if (version != YamuxFrame.VERSION) {
      fail(ctx, in, "unsupported yamux version " + version);
      return;
    }
    if (type > YamuxFrame.TYPE_GO_AWAY) {
      fail(ctx, in, "unknown yamux frame type " + type);
      return;
    }
    if (type == YamuxFrame.TYPE_DATA) {
      payloadRemaining = length;
    }
    ctx.fireChannelRead(YamuxFrame.decoded(type, flags, streamId, length, null));
  }

  private long u32(int offset) {
    return ((header[offset] & 0xFFL) << 24) | ((header[offset + 1] & 0xFFL) << 16)
        | ((header[offset + 2] & 0xFFL) << 8) | (header[offset + 3] & 0xFFL);
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, String message) {
    failed = true;
    in.skipBytes(in.readableBytes());
    ctx.fireExceptionCaught(new ProtocolViolationException(message));
    ctx.channel().close();
  }
}
