package io.peerlink.core.spi;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.Varint;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Protobuf messages in length-prefixed frames: parsing a frame from {@link
 * LengthPrefixedFrameDecoder} into a typed message, and writing a message with its prefix.
 */
public final class ProtobufFrames {
  private ProtobufFrames() {}

  /**
   * Parses the readable bytes of {@code frame}. The frame's size must already be bounded (it is
   * when it comes from {@link LengthPrefixedFrameDecoder}). Neither moves the reader index nor
   * releases the frame; the caller still owns it.
   *
   * @param <T> the message type
   * @param frame the message's bytes
   * @param parser the message type's protobuf parser
   * @return the message
   * @throws ProtocolViolationException if the bytes are not a valid message of that type
   */
  public static <T> T parse(ByteBuf frame, Parser<T> parser) throws ProtocolViolationException {
    try {
      if (frame.hasArray()) {
        return parser.parseFrom(
            frame.array(), frame.arrayOffset() + frame.readerIndex(), frame.readableBytes());
      }
      return parser.parseFrom(frame.nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      throw new ProtocolViolationException("malformed protobuf message: " + e.getMessage(), e);
    }
  }

  /**
   * Like {@link #parse(ByteBuf, Parser)}, first checking the frame against {@code maxBytes}.
   *
   * @param <T> the message type
   * @param frame the message's bytes
   * @param parser the message type's protobuf parser
   * @param maxBytes the largest message accepted
   * @return the message
   * @throws PeerException as below
   * @throws LimitExceededException if the frame is larger than {@code maxBytes}
   * @throws ProtocolViolationException if the bytes are not a valid message of that type
   */
  public static <T> T parse(ByteBuf frame, Parser<T> parser, int maxBytes) throws PeerException {
    if (frame.readableBytes() > maxBytes) {
      throw new LimitExceededException("protobuf message of " + frame.readableBytes()
          + " bytes exceeds the limit of " + maxBytes);
    }
    return parse(frame, parser);
  }

  /**
   * Encodes {@code message} as {@code uvarint(len) || bytes} in a new buffer, for writing straight
   * to a channel that has no {@link LengthPrefixedFrameEncoder} (e.g. a relay stream that turns
   * into raw bytes after its last message).
   *
   * @param alloc where the buffer comes from
   * @param message the message
   * @return the prefixed message; the caller owns it
   */
  public static ByteBuf encodeDelimited(ByteBufAllocator alloc, MessageLite message) {
    int size = message.getSerializedSize();
    ByteBuf out = alloc.buffer(Varint.size(size) + size);
    try {
      Varint.write(out, size);
      CodedOutputStream coded = CodedOutputStream.newInstance(new ByteBufOutputStream(out), size);
      message.writeTo(coded);
      coded.flush();
      return out;
    } catch (IOException e) {
      out.release();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }
}
