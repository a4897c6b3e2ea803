package io.peerlink.daemon;

import java.util.Arrays;

/**
 * Turns the binary CID of a PROVIDE or FIND_PROVIDERS request into the DHT key go and js use for
 * provider records: the CID's multihash, so a CIDv0 and a CIDv1 of the same content (any codec)
 * name the same providers.
 */
final class CidKeys {
  private static final int SHA2_256 = 0x12;
  private static final int SHA2_256_LENGTH = 32;

  private CidKeys() {}

  /**
   * {@return the multihash inside {@code cid}}
   *
   * @param cid a binary CIDv0 (a bare SHA-256 multihash) or CIDv1 ({@code version || codec || multihash})
   * @throws IllegalArgumentException if the bytes are not a CID
   */
  static byte[] multihash(byte[] cid) {
    if (cid.length == 2 + SHA2_256_LENGTH && cid[0] == SHA2_256 && cid[1] == SHA2_256_LENGTH) {
      return cid.clone(); // CIDv0
    }
    int[] at = {0};
    long version = uvarint(cid, at);
    if (version != 1) {
      throw new IllegalArgumentException("not a CID: version " + version);
    }
    uvarint(cid, at); // the content codec, which the key leaves out
    int start = at[0];
    uvarint(cid, at); // hash function
    long digestLength = uvarint(cid, at);
    if (digestLength != cid.length - at[0]) {
      throw new IllegalArgumentException("not a CID: the multihash says " + digestLength
          + " digest bytes, " + (cid.length - at[0]) + " follow");
    }
    return Arrays.copyOfRange(cid, start, cid.length);
  }

  private static long uvarint(byte[] b, int[] at) {
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (at[0] >= b.length) {
        throw new IllegalArgumentException("not a CID: truncated varint");
      }
      int x = b[at[0]++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("not a CID: varint too long");
  }
}
