package io.peerlink.core.spi;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a stream of {@code uvarint(len) || payload} messages, the framing of identify, circuit
 * relay v2, DCUtR and AutoNAT, into one {@link ByteBuf} per payload.
 *
 * <p>The length is bounded before anything is buffered: a prefix that announces more than {@code
 * maxFrameBytes} (even one not yet complete) fails the stream with a {@link LimitExceededException}
 * and a malformed prefix with a {@link ProtocolViolationException}; either is fired as {@code
 * exceptionCaught} and the channel is closed. Input that ends inside a frame fails the same way.
 *
 * <p>Each payload is a retained slice of the received bytes, not a copy; whoever handles it
 * releases it. Frames are decoded one at a time, so a handler that removes this decoder while
 * handling a frame (relay: the raw relayed bytes start right after the final STATUS message)
 * receives everything after that frame unparsed, as a plain {@code ByteBuf}.
 */
public final class LengthPrefixedFrameDecoder extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(LengthPrefixedFrameDecoder.class);

  private final int maxFrameBytes;
  private boolean failed;

  /**
   * Creates a decoder.
   *
   * @param maxFrameBytes the largest payload accepted, in bytes, not counting the prefix
   *     (e.g. 4096 for relay and DCUtR, 8192 for identify)
   */
  public LengthPrefixedFrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** {@return the largest payload accepted, in bytes} */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    int length;
    try {
      length = LengthPrefix.tryRead(in, maxFrameBytes);
    } catch (ProtocolViolationException e) {
      fail(ctx, in, e);
      return;
    }
    if (length == LengthPrefix.INCOMPLETE) {
      return;
    }
    if (length == LengthPrefix.TOO_LONG) {
      fail(ctx, in, new LimitExceededException(
          "length-prefixed frame exceeds the limit of " + maxFrameBytes + " bytes"));
      return;
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return;
    }
    out.add(in.readRetainedSlice(length));
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!failed && in.isReadable()) {
      fail(ctx, in, new ProtocolViolationException(
          "input ended inside a length-prefixed frame (" + in.readableBytes() + " bytes left)"));
    }
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, PeerException cause) {
    failed = true;
    in.skipBytes(in.readableBytes());
    log.debug("{}: closing, bad length-prefixed input: {}", ctx.channel(), cause.getMessage());
    ctx.fireExceptionCaught(cause);
    ctx.close();
  }
}
