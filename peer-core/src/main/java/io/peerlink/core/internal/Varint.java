package io.peerlink.core.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.peerlink.core.ProtocolViolationException;
import java.io.IOException;

/**
 * Unsigned LEB128 varints as multiformats defines them (at most 9 bytes, 63 bits), minimal on
 * output. The encoding and decoding are protobuf's ({@link CodedOutputStream},
 * {@link CodedInputStream}); this class adds what multiformats requires on top: the 9-byte bound,
 * checked before anything is decoded, and minimal encodings only.
 */
public final class Varint {
  /** The longest varint multiformats allows. */
  public static final int MAX_BYTES = 9;

  /** Returned by {@link #tryRead} when the buffer does not yet hold a whole varint. */
  public static final long INCOMPLETE = -1;

  private Varint() {}

  /** Number of bytes {@code value} takes when written. */
  public static int size(long value) {
    checkNonNegative(value);
    return CodedOutputStream.computeUInt64SizeNoTag(value);
  }

  /** Writes {@code value} in its minimal encoding. */
  public static void write(ByteBuf out, long value) {
    out.writeBytes(encode(value));
  }

  /** Encodes {@code value} into a new array. */
  public static byte[] encode(long value) {
    byte[] out = new byte[size(value)];
    try {
      CodedOutputStream.newInstance(out).writeUInt64NoTag(value);
    } catch (IOException e) {
      throw new IllegalStateException("an array sized by computeUInt64SizeNoTag is too small", e);
    }
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
    int available = Math.min(in.readableBytes(), MAX_BYTES);
    int length = terminatedLength(in, start, available);
    if (length < 0) {
      if (available == MAX_BYTES) {
        throw new ProtocolViolationException("varint longer than " + MAX_BYTES + " bytes");
      }
      return INCOMPLETE;
    }
    byte[] bytes = new byte[length];
    in.getBytes(start, bytes);
    long value = decode(bytes, 0, length);
    in.skipBytes(length);
    return value;
  }

  /**
   * Reads a varint like {@link #read(byte[], int[])}, for parsers of a value the caller handed in
   * (a peer ID, a multiaddr): malformed input is then a bad argument, not a remote's protocol
   * violation, and those public parsers need not know this package's checked exception.
   *
   * @param bytes the encoded value
   * @param offset a one-element array holding the read position, advanced past the varint
   * @param context what is being parsed, the start of the exception's message
   * @return the value
   * @throws IllegalArgumentException if truncated, too long or not minimal
   */
  public static long readArgument(byte[] bytes, int[] offset, String context) {
    try {
      return read(bytes, offset);
    } catch (ProtocolViolationException e) {
      throw new IllegalArgumentException(context + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a varint from {@code bytes} starting at {@code offset[0]}, advancing {@code offset[0]}.
   *
   * @throws ProtocolViolationException if truncated, too long or not minimal
   */
  public static long read(byte[] bytes, int[] offset) throws ProtocolViolationException {
    int start = offset[0];
    int available = Math.min(bytes.length - start, MAX_BYTES);
    int length = -1;
    for (int i = 0; i < available; i++) {
      if ((bytes[start + i] & 0x80) == 0) {
        length = i + 1;
        break;
      }
    }
    if (length < 0) {
      throw new ProtocolViolationException(
          available == MAX_BYTES ? "varint longer than " + MAX_BYTES + " bytes" : "truncated varint");
    }
    long value = decode(bytes, start, length);
    offset[0] = start + length;
    return value;
  }

  /** The length of the varint at {@code start}, or -1 if none of the first {@code available} bytes ends it. */
  private static int terminatedLength(ByteBuf in, int start, int available) {
    for (int i = 0; i < available; i++) {
      if ((in.getByte(start + i) & 0x80) == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /** Decodes exactly {@code length} bytes, already known to end the varint, and checks minimality. */
  private static long decode(byte[] bytes, int offset, int length) throws ProtocolViolationException {
    if (length > 1 && bytes[offset + length - 1] == 0) {
      throw new ProtocolViolationException("varint is not minimally encoded");
    }
    try {
      return CodedInputStream.newInstance(bytes, offset, length).readRawVarint64();
    } catch (IOException e) {
      throw new ProtocolViolationException("malformed varint: " + e.getMessage());
    }
  }

  private static void checkNonNegative(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("varint must be non-negative: " + value);
    }
  }
}
