package io.peerlink.relay.internal.circuit;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.spi.LengthPrefixedFrameDecoder;
import io.peerlink.core.spi.ProtobufFrames;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;

/**
 * Reads the one hop or stop message a relay stream starts with, then gets out of the way: the
 * bytes after it (the start of the relayed stream) pass on untouched, as {@code ByteBuf}s. The
 * framing is peer-core's {@link LengthPrefixedFrameDecoder#oneFrame}; this handler sits behind it
 * and parses the frame into the protobuf message.
 *
 * <p>Add one with {@link #addHopReader} or {@link #addStopReader} for each message expected. Bad
 * input (a length over the bound, checked before the body is buffered; a malformed length; not a
 * valid protobuf of that type) reaches the handler behind once, as a
 * {@link CircuitMessageException} with status MALFORMED_MESSAGE, and whatever follows is
 * discarded; the stream stays open, so that handler can answer MALFORMED_MESSAGE and close.
 *
 * <p>Reference counting: the frame is released here and the message is a plain protobuf object;
 * the bytes after it are passed on with ownership, so the next handler releases them.
 */
public final class CircuitMessageReader<T extends MessageLite> extends ChannelInboundHandlerAdapter {
  private final Parser<T> parser;
  private boolean failed;

  private CircuitMessageReader(Parser<T> parser) {
    this.parser = parser;
  }

  /**
   * Adds a reader for one {@link HopMessage} of at most {@link CircuitMessages#MAX_MESSAGE_SIZE}
   * bytes at the end of {@code pipeline}.
   *
   * @param pipeline the hop stream's pipeline
   */
  public static void addHopReader(ChannelPipeline pipeline) {
    addHopReader(pipeline, CircuitMessages.MAX_MESSAGE_SIZE);
  }

  /**
   * Adds a reader for one {@link HopMessage} of at most {@code maxSize} bytes at the end of
   * {@code pipeline}.
   *
   * @param pipeline the hop stream's pipeline
   * @param maxSize the largest message accepted, 1 to {@link CircuitMessages#MAX_MESSAGE_SIZE}
   */
  public static void addHopReader(ChannelPipeline pipeline, int maxSize) {
    add(pipeline, "circuit relay hop", HopMessage.parser(), maxSize);
  }

  /**
   * Adds a reader for one {@link StopMessage} of at most {@link CircuitMessages#MAX_MESSAGE_SIZE}
   * bytes at the end of {@code pipeline}.
   *
   * @param pipeline the stop stream's pipeline
   */
  public static void addStopReader(ChannelPipeline pipeline) {
    addStopReader(pipeline, CircuitMessages.MAX_MESSAGE_SIZE);
  }

  /**
   * Adds a reader for one {@link StopMessage} of at most {@code maxSize} bytes at the end of
   * {@code pipeline}.
   *
   * @param pipeline the stop stream's pipeline
   * @param maxSize the largest message accepted, 1 to {@link CircuitMessages#MAX_MESSAGE_SIZE}
   */
  public static void addStopReader(ChannelPipeline pipeline, int maxSize) {
    add(pipeline, "circuit relay stop", StopMessage.parser(), maxSize);
  }

  private static <T extends MessageLite> void add(ChannelPipeline pipeline, String protocol, Parser<T> parser,
      int maxSize) {
    if (maxSize <= 0 || maxSize > CircuitMessages.MAX_MESSAGE_SIZE) {
      throw new IllegalArgumentException("maxSize must be in 1.." + CircuitMessages.MAX_MESSAGE_SIZE);
    }
    pipeline.addLast(LengthPrefixedFrameDecoder.oneFrame(protocol, maxSize), new CircuitMessageReader<>(parser));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    T message;
    try {
      message = ProtobufFrames.parse(frame, parser);
    } catch (ProtocolViolationException e) {
      failed = true;
      ctx.fireExceptionCaught(new CircuitMessageException(RelayStatus.MALFORMED_MESSAGE,
          "invalid circuit protobuf: " + e.getMessage(), e));
      return;
    } finally {
      frame.release();
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(message);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    boolean badFrame = cause instanceof LimitExceededException || cause instanceof ProtocolViolationException;
    if (!failed && badFrame && !(cause instanceof CircuitMessageException)) {
      failed = true;
      ctx.fireExceptionCaught(new CircuitMessageException(RelayStatus.MALFORMED_MESSAGE, cause.getMessage(), cause));
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
