package io.peerlink.core.internal;

import java.util.Arrays;

/**
 * Base58 with the Bitcoin alphabet ({@code base58btc}), the text form of peer IDs. Leading zero
 * bytes become leading {@code '1'} characters and back.
 *
 * <p>The algorithm is quadratic in the input length, so callers bound the input first (peer IDs are
 * under 64 characters).
 */
public final class Base58 {
  private static final char[] ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final int[] INDEXES = new int[128];

  static {
    Arrays.fill(INDEXES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      INDEXES[ALPHABET[i]] = i;
    }
  }

  private Base58() {}

  /** Encodes {@code input} as base58btc. */
  public static String encode(byte[] input) {
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    // log(256)/log(58) < 1.37, so this many digits always suffice.
    byte[] digits = new byte[input.length * 137 / 100 + 1];
    int used = 0;
    for (int i = zeros; i < input.length; i++) {
      int carry = input[i] & 0xFF;
      for (int j = 0; j < used; j++) {
        carry += (digits[j] & 0xFF) << 8;
        digits[j] = (byte) (carry % 58);
        carry /= 58;
      }
      while (carry > 0) {
        digits[used++] = (byte) (carry % 58);
        carry /= 58;
      }
    }
    StringBuilder sb = new StringBuilder(zeros + used);
    for (int i = 0; i < zeros; i++) {
      sb.append(ALPHABET[0]);
    }
    for (int i = used - 1; i >= 0; i--) {
      sb.append(ALPHABET[digits[i]]);
    }
    return sb.toString();
  }

  /**
   * Decodes base58btc text.
   *
   * @throws IllegalArgumentException if {@code text} holds a character outside the alphabet
   */
  public static byte[] decode(CharSequence text) {
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == ALPHABET[0]) {
      zeros++;
    }
    // log(58)/log(256) < 0.74
    byte[] bytes = new byte[text.length() * 74 / 100 + 1];
    int used = 0;
    for (int i = zeros; i < text.length(); i++) {
      char c = text.charAt(i);
      int digit = c < 128 ? INDEXES[c] : -1;
      if (digit < 0) {
        throw new IllegalArgumentException("invalid base58 character at " + i);
      }
      int carry = digit;
      for (int j = 0; j < used; j++) {
        carry += (bytes[j] & 0xFF) * 58;
        bytes[j] = (byte) carry;
        carry >>>= 8;
      }
      while (carry > 0) {
        bytes[used++] = (byte) carry;
        carry >>>= 8;
      }
    }
    byte[] out = new byte[zeros + used];
    for (int i = 0; i < used; i++) {
      out[zeros + i] = bytes[used - 1 - i];
    }
    return out;
  }
}
