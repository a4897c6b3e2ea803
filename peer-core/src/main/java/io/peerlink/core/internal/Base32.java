package io.peerlink.core.internal;

/**
 * RFC 4648 base32 without padding, as multibase uses it (prefix {@code b} lower case, {@code B}
 * upper case). Decoding is strict: only canonical encodings are accepted (no padding, no stray
 * trailing bits), so each byte string has exactly one text form per case.
 */
public final class Base32 {
  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz234567";

  private Base32() {}

  /** Encodes {@code input} as lower-case base32 without padding. */
  public static String encodeLower(byte[] input) {
    StringBuilder sb = new StringBuilder((input.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : input) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        sb.append(LOWER.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(LOWER.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }

  /**
   * Decodes unpadded base32 of a single case ({@code upperCase} selects which).
   *
   * @throws IllegalArgumentException on a character outside the alphabet, an impossible length or
   *     non-zero trailing bits
   */
  public static byte[] decode(CharSequence text, boolean upperCase) {
    int rem = text.length() % 8;
    if (rem == 1 || rem == 3 || rem == 6) {
      throw new IllegalArgumentException("invalid base32 length " + text.length());
    }
    byte[] out = new byte[text.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      int v = value(text.charAt(i), upperCase);
      if (v < 0) {
        throw new IllegalArgumentException("invalid base32 character at " + i);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[n++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
      buffer &= (1 << bits) - 1;
    }
    if (buffer != 0) {
      throw new IllegalArgumentException("non-canonical base32: trailing bits set");
    }
    return out;
  }

  private static int value(char c, boolean upperCase) {
    char a = upperCase ? 'A' : 'a';
    char z = upperCase ? 'Z' : 'z';
    if (c >= a && c <= z) {
      return c - a;
    }
    if (c >= '2' && c <= '7') {
      return c - '2' + 26;
    }
    return -1;
  }
}
