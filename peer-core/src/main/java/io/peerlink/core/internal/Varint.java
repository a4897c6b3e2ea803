package io.peerlink.core.internal;

import io.netty.buffer.ByteBuf;
import io.peerlink.core.ProtocolViolationException;

/**
 * Unsigned LEB128 varints as multiformats defines them (at most 9 bytes, 63 bits), minimal on output.
 */
public final class Varint {
  /** The longest varint multiformats allows. */
  public static final int MAX_BYTES = 9;

  /** Returned by {@link #tryRead} when the buffer does not yet hold a whole varint. */
  public static final long INCOMPLETE = -1;

  private Varint() {}

  /** Number of bytes {@code value} takes when written. */
  public static int size(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("varint must be non-negative: " + value);
    }
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** Writes {@code value} in its minimal encoding. */
  public static void write(ByteBuf out, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("varint must be non-negative: " + value);
    }
    while ((value & ~0x7FL) != 0) {
      out.writeByte((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.writeByte((int) value);
  }

  /** Encodes {@code value} into a new array. */
  public static byte[] encode(long value) {
    byte[] out = new byte[size(value)];
    int i = 0;
    while ((value & ~0x7FL) != 0) {
      out[i++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[i] = (byte) value;
    return out;
  }

  /**
   * Reads a varint from {@code in} if it holds a whole one, advancing the reader index; otherwise
   * leaves the index where it was and returns {@link #INCOMPLETE}.
   *
   * @throws ProtocolViolationException if the varint is longer than {@link #MAX_BYTES} or not minimal
   */
  public static long tryRead(ByteBuf in) throws ProtocolViolationException {
    int start = in.readerIndex();
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      if (!in.isReadable()) {
        in.readerIndex(start);
        return INCOMPLETE;
      }
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new ProtocolViolationException("varint is not minimally encoded");
        }
        return value;
      }
    }
    throw new ProtocolViolationException("varint longer than " + MAX_BYTES + " bytes");
  }

  /**
   * Reads a varint from {@code bytes} starting at {@code offset[0]}, advancing {@code offset[0]}.
   *
   * @throws ProtocolViolationException if truncated, too long or not minimal
   */
  public static long read(byte[] bytes, int[] offset) throws ProtocolViolationException {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      if (offset[0] >= bytes.length) {
        throw new ProtocolViolationException("truncated varint");
      }
      int b = bytes[offset[0]++] & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new ProtocolViolationException("varint is not minimally encoded");
        }
        return value;
      }
    }
    throw new ProtocolViolationException("varint longer than " + MAX_BYTES + " bytes");
  }
}
