package io.peerlink.relay.internal.circuit;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes exactly one length-prefixed hop or stop message, passes it on as a message object, and
 * removes itself; bytes that arrived after the message (the start of the relayed stream) are
 * passed on after it, untouched, as a {@code ByteBuf}.
 *
 * <p>Add a fresh instance for each message expected. A length over the limit is rejected before
 * the body is buffered. On bad input the decoder fires a {@link CircuitMessageException} through
 * {@code exceptionCaught} once and then discards everything that follows; the handler after it
 * decides whether to answer MALFORMED_MESSAGE and close.
 *
 * <p>Reference counting: the decoded message is a plain protobuf object (no buffers); trailing
 * bytes are passed on with ownership, so the next handler releases them.
 */
public final class CircuitMessageDecoder<T extends MessageLite> extends ByteToMessageDecoder {

  private final Parser<T> parser;
  private final int maxSize;
  private boolean failed;

  /** A decoder bounded at {@link CircuitMessages#MAX_MESSAGE_SIZE}. */
  public CircuitMessageDecoder(Parser<T> parser) {
    this(parser, CircuitMessages.MAX_MESSAGE_SIZE);
  }

  public CircuitMessageDecoder(Parser<T> parser, int maxSize) {
    if (maxSize <= 0 || maxSize > CircuitMessages.MAX_MESSAGE_SIZE) {
      throw new IllegalArgumentException("maxSize must be in 1.." + CircuitMessages.MAX_MESSAGE_SIZE);
    }
    this.parser = parser;
    this.maxSize = maxSize;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    T message;
    try {
      message = CircuitMessages.tryDecode(in, parser, maxSize);
    } catch (CircuitMessageException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      ctx.fireExceptionCaught(e);
      return;
    }
    if (message != null) {
      out.add(message);
      // ByteToMessageDecoder fires `out` first, then hands what is left of the cumulation to the
      // next handler when it is removed: the trailing bytes keep their order.
      ctx.pipeline().remove(this);
    }
  }
}
