package io.peerlink.core.spi;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.peerlink.core.internal.Varint;
import java.util.List;

/**
 * Writes each outbound {@link ByteBuf} as {@code uvarint(len) || payload}: a small prefix buffer
 * followed by the payload itself, never a copy. The payload's reference is passed on; Netty
 * releases it once written.
 *
 * <p>A payload over {@code maxFrameBytes} is our own bug, not the peer's: the write fails with an
 * {@link io.netty.handler.codec.EncoderException} caused by an {@link IllegalArgumentException}.
 */
@Sharable
public final class LengthPrefixedFrameEncoder extends MessageToMessageEncoder<ByteBuf> {
  private final int maxFrameBytes;

  /**
   * Creates an encoder.
   *
   * @param maxFrameBytes the largest payload we send, in bytes; the peer's limit for the protocol
   */
  public LengthPrefixedFrameEncoder(int maxFrameBytes) {
    super(ByteBuf.class);
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
    int length = msg.readableBytes();
    if (length > maxFrameBytes) {
      throw new IllegalArgumentException(
          "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
    }
    ByteBuf prefix = ctx.alloc().buffer(Varint.size(length));
    Varint.write(prefix, length);
    out.add(prefix);
    out.add(msg.retain());
  }
}
