package io.peerlink.core.spi;

import io.netty.buffer.ByteBuf;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.Varint;

/**
 * Reads a uvarint length prefix and bounds it before any payload is buffered.
 *
 * <p>The bound is checked on the prefix itself: a prefix whose first bytes already show a value
 * over the limit is rejected without waiting for the rest of it, so a peer cannot make us buffer
 * a long varint or a long payload. Shared by every uvarint-framed reader (multistream-select,
 * identify, relay, DCUtR, AutoNAT) so they all bound lengths the same way.
 */
public final class LengthPrefix {
  /** Returned when the buffer does not yet hold the whole prefix; the reader index is unchanged. */
  public static final int INCOMPLETE = -1;

  /** Returned when the prefix announces more than the limit; the reader index is unchanged. */
  public static final int TOO_LONG = -2;

  private LengthPrefix() {}

  /**
   * Reads the length prefix at the reader index of {@code in}.
   *
   * @param in the received bytes
   * @param maxLength the largest length accepted, at least 0
   * @return the length (0..maxLength) with the reader index moved past the prefix, or
   *     {@link #INCOMPLETE} or {@link #TOO_LONG} with the reader index unchanged
   * @throws ProtocolViolationException if the varint is not minimally encoded
   */
  public static int tryRead(ByteBuf in, int maxLength) throws ProtocolViolationException {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must be >= 0: " + maxLength);
    }
    // A valid prefix is at most as long as the encoding of maxLength; if that many bytes all carry
    // the continuation bit, the value is over the limit whatever follows.
    int maxPrefixBytes = Varint.size(maxLength);
    int start = in.readerIndex();
    int available = Math.min(in.readableBytes(), maxPrefixBytes);
    boolean terminated = false;
    for (int i = 0; i < available; i++) {
      if ((in.getByte(start + i) & 0x80) == 0) {
        terminated = true;
        break;
      }
    }
    if (!terminated) {
      return available == maxPrefixBytes ? TOO_LONG : INCOMPLETE;
    }
    long length = Varint.tryRead(in);
    if (length > maxLength) {
      in.readerIndex(start);
      return TOO_LONG;
    }
    return (int) length;
  }
}
