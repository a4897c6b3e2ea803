package io.peerlink.core.internal.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.Varint;
import io.peerlink.core.internal.protocol.ProtocolIds;
import io.peerlink.core.spi.LengthPrefix;
import java.nio.charset.StandardCharsets;

/**
 * The multistream-select 1.0 message format: {@code uvarint(len) || UTF-8 text || '\n'}, where
 * {@code len} counts the newline. One message carries one line: the header, a protocol ID, or
 * {@code na}/{@code ls}.
 */
public final class MultistreamMessages {
  /** The header both sides send first. */
  public static final String HEADER = ProtocolIds.MULTISTREAM;

  /** The refusal: "not available". */
  public static final String NA = "na";

  /** The request to list protocols; peerlink answers it with {@link #NA}, as go-libp2p does. */
  public static final String LS = "ls";

  /**
   * Largest message accepted or sent, in bytes, counting the newline but not the length prefix.
   * go-multistream and js-libp2p use the same bound.
   */
  public static final int MAX_MESSAGE_BYTES = 1024;

  private MultistreamMessages() {}

  /**
   * Appends one message carrying {@code text} to {@code out}.
   *
   * @throws IllegalArgumentException if {@code text} is empty, holds a newline, or would exceed
   *     {@link #MAX_MESSAGE_BYTES}
   */
  public static void write(ByteBuf out, String text) {
    byte[] bytes = checkedBytes(text);
    Varint.write(out, bytes.length + 1L);
    out.writeBytes(bytes);
    out.writeByte('\n');
  }

  /** Encodes the given lines as consecutive messages in one new buffer, for a single write. */
  public static ByteBuf encode(ByteBufAllocator alloc, String... lines) {
    int size = 0;
    for (String line : lines) {
      int len = checkedBytes(line).length + 1;
      size += Varint.size(len) + len;
    }
    ByteBuf out = alloc.buffer(size);
    for (String line : lines) {
      write(out, line);
    }
    return out;
  }

  /**
   * Validates a protocol ID or other line we are about to send.
   *
   * @throws IllegalArgumentException if it is empty, holds a newline, or is too long
   */
  public static void checkLine(String text) {
    checkedBytes(text);
  }

  /**
   * Reads one message from {@code in} if it holds a whole one. The length is bounded before any
   * of the message is waited for.
   *
   * @return the text without its newline, or {@code null} (reader index unchanged) if more bytes
   *     are needed
   * @throws ProtocolViolationException if the message is over {@link #MAX_MESSAGE_BYTES}, its
   *     length prefix is malformed, it does not end in a newline, or it is not UTF-8
   */
  public static String tryRead(ByteBuf in) throws ProtocolViolationException {
    int start = in.readerIndex();
    int length = LengthPrefix.tryRead(in, MAX_MESSAGE_BYTES);
    if (length == LengthPrefix.INCOMPLETE) {
      return null;
    }
    if (length == LengthPrefix.TOO_LONG) {
      throw new ProtocolViolationException(
          "multistream message longer than " + MAX_MESSAGE_BYTES + " bytes");
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return null;
    }
    if (length == 0 || in.getByte(in.readerIndex() + length - 1) != '\n') {
      throw new ProtocolViolationException("multistream message does not end in a newline");
    }
    int textIndex = in.readerIndex();
    int textLength = length - 1;
    if (!ByteBufUtil.isText(in, textIndex, textLength, StandardCharsets.UTF_8)) {
      throw new ProtocolViolationException("multistream message is not valid UTF-8");
    }
    String text = in.toString(textIndex, textLength, StandardCharsets.UTF_8);
    in.skipBytes(length);
    return text;
  }

  private static byte[] checkedBytes(String text) {
    if (text.isEmpty() || text.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("not a multistream line: '" + text + "'");
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length + 1 > MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "multistream line of " + bytes.length + " bytes exceeds " + MAX_MESSAGE_BYTES);
    }
    return bytes;
  }
}
