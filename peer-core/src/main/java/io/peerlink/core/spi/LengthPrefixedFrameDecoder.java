package io.peerlink.core.spi;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a stream of {@code uvarint(len) || payload} messages, the framing of identify, circuit
 * relay v2, DCUtR and AutoNAT, into one {@link ByteBuf} per payload.
 *
 * <p>The length is bounded before anything is buffered: a prefix that announces more than {@code
 * maxFrameBytes} (even one not yet complete) fails the stream with a {@link LimitExceededException}
 * that names the protocol and the limit, and a malformed prefix with a
 * {@link ProtocolViolationException}; either is fired as {@code exceptionCaught}, everything after
 * it is discarded, and the channel is closed. Input that ends inside a frame fails the same way.
 *
 * <p>Each payload is a retained slice of the received bytes, not a copy; whoever handles it
 * releases it. Frames are decoded one at a time, so a handler that removes this decoder while
 * handling a frame receives everything after that frame unparsed, as a plain {@code ByteBuf}.
 *
 * <p>{@link #oneFrame} makes a decoder for a stream that starts with one message and then carries
 * raw bytes (a relay's hop or stop stream, whose relayed bytes start right after the handshake
 * message): it removes itself after the first frame, and on bad input it does not close the
 * channel, so the handler behind it can answer the error (the relay's MALFORMED_MESSAGE) first.
 */
public final class LengthPrefixedFrameDecoder extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(LengthPrefixedFrameDecoder.class);

  private final String protocol;
  private final int maxFrameBytes;
  private final boolean oneFrame;
  private boolean failed;

  /**
   * Creates a decoder whose errors speak of "length-prefixed" frames.
   *
   * @param maxFrameBytes the largest payload accepted, in bytes, not counting the prefix
   *     (e.g. 4096 for relay and DCUtR, 8192 for identify)
   */
  public LengthPrefixedFrameDecoder(int maxFrameBytes) {
    this("length-prefixed", maxFrameBytes);
  }

  /**
   * Creates a decoder whose errors name {@code protocol}.
   *
   * @param protocol names the protocol in error messages, such as {@code "DCUtR"}
   * @param maxFrameBytes the largest payload accepted, in bytes, not counting the prefix
   */
  public LengthPrefixedFrameDecoder(String protocol, int maxFrameBytes) {
    this(protocol, maxFrameBytes, false);
  }

  private LengthPrefixedFrameDecoder(String protocol, int maxFrameBytes, boolean oneFrame) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.maxFrameBytes = maxFrameBytes;
    this.oneFrame = oneFrame;
  }

  /**
   * A decoder for exactly one frame at the head of a stream: once the frame is passed on, the
   * decoder removes itself and the bytes after it follow unparsed, in order, as {@code ByteBuf}s.
   * Bad input is fired as {@code exceptionCaught} once and the rest of the stream discarded, but
   * the channel stays open: the handler behind it decides whether to answer and close. The stream
   * ending inside the frame is not reported here: the handler behind sees the stream end as it
   * would without the decoder. Add a fresh decoder for each message expected.
   *
   * @param protocol names the protocol in error messages, such as {@code "circuit relay hop"}
   * @param maxFrameBytes the largest payload accepted, in bytes, not counting the prefix
   * @return the decoder
   */
  public static LengthPrefixedFrameDecoder oneFrame(String protocol, int maxFrameBytes) {
    return new LengthPrefixedFrameDecoder(protocol, maxFrameBytes, true);
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
          protocol + " frame exceeds the limit of " + maxFrameBytes + " bytes"));
      return;
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return;
    }
    out.add(in.readRetainedSlice(length));
    if (oneFrame) {
      // ByteToMessageDecoder fires `out` first, then hands what is left of the cumulation to the
      // next handler as it leaves the pipeline: the bytes after the frame keep their order.
      ctx.pipeline().remove(this);
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (oneFrame) {
      super.decodeLast(ctx, in, out);
      return;
    }
    if (!failed && in.isReadable()) {
      fail(ctx, in, new ProtocolViolationException(
          "input ended inside a " + protocol + " frame (" + in.readableBytes() + " bytes left)"));
    }
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, PeerException cause) {
    failed = true;
    in.skipBytes(in.readableBytes());
    ctx.fireExceptionCaught(cause);
    if (!oneFrame) {
      log.debug("{}: closing, bad {} input: {}", ctx.channel(), protocol, cause.getMessage());
      ctx.close();
    }
  }
}
