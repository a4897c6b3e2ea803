package io.peerlink.core.multiaddr;

/**
 * IP address text without {@link java.net.InetAddress}: its parser may query DNS for anything that
 * is not a literal, and it turns IPv4-mapped IPv6 addresses into IPv4 ones. These work on raw bytes
 * so a 16-byte {@code ip6} value round-trips exactly.
 */
final class IpText {
  private IpText() {}

  /** Parses a strict dotted quad (no leading zeros, each part 0–255). */
  static byte[] parseIp4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("invalid ip4 address: " + s);
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      out[i] = (byte) parseOctet(parts[i], s);
    }
    return out;
  }

  /** Dotted quad of 4 bytes starting at {@code off}. */
  static String formatIp4(byte[] b, int off) {
    return (b[off] & 0xFF) + "." + (b[off + 1] & 0xFF) + "." + (b[off + 2] & 0xFF) + "." + (b[off + 3] & 0xFF);
  }

  /**
   * Parses RFC 4291 text: eight hex groups, at most one {@code ::}, optionally a dotted quad in
   * place of the last two groups. Zones ({@code %eth0}) belong in {@code ip6zone}, not here.
   */
  static byte[] parseIp6(String s) {
    int ellipsis = s.indexOf("::");
    if (ellipsis >= 0 && s.indexOf("::", ellipsis + 1) >= 0) {
      throw new IllegalArgumentException("invalid ip6 address (two '::'): " + s);
    }
    byte[] out = new byte[16];
    if (ellipsis < 0) {
      if (groups(s, out, 0, true, s) != 16) {
        throw new IllegalArgumentException("invalid ip6 address: " + s);
      }
      return out;
    }
    String head = s.substring(0, ellipsis);
    String tail = s.substring(ellipsis + 2);
    byte[] tailBytes = new byte[16];
    int headLen = head.isEmpty() ? 0 : groups(head, out, 0, false, s);
    int tailLen = tail.isEmpty() ? 0 : groups(tail, tailBytes, 0, true, s);
    // "::" stands for at least one zero group.
    if (headLen + tailLen > 14) {
      throw new IllegalArgumentException("invalid ip6 address: " + s);
    }
    System.arraycopy(tailBytes, 0, out, 16 - tailLen, tailLen);
    return out;
  }

  /** Writes colon-separated groups into {@code out}; returns the number of bytes written. */
  private static int groups(String part, byte[] out, int off, boolean ip4Allowed, String whole) {
    String[] groups = part.split(":", -1);
    int n = off;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      boolean last = i == groups.length - 1;
      if (last && ip4Allowed && g.indexOf('.') >= 0) {
        if (n + 4 > 16) {
          throw new IllegalArgumentException("invalid ip6 address: " + whole);
        }
        System.arraycopy(parseIp4(g), 0, out, n, 4);
        n += 4;
        continue;
      }
      if (g.isEmpty() || g.length() > 4 || n + 2 > 16) {
        throw new IllegalArgumentException("invalid ip6 address: " + whole);
      }
      int v = 0;
      for (int j = 0; j < g.length(); j++) {
        int d = hexDigit(g.charAt(j));
        if (d < 0) {
          throw new IllegalArgumentException("invalid ip6 address: " + whole);
        }
        v = (v << 4) | d;
      }
      out[n++] = (byte) (v >>> 8);
      out[n++] = (byte) v;
    }
    return n - off;
  }

  /**
   * RFC 5952 text: lower-case hex, no leading zeros, the longest run (first if tied) of two or more
   * zero groups shortened to {@code ::}. IPv4-mapped addresses print as {@code ::ffff:a.b.c.d},
   * the form go-multiaddr prints.
   */
  static String formatIp6(byte[] b) {
    boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    for (int i = 0; i < 10 && mapped; i++) {
      mapped = b[i] == 0;
    }
    if (mapped) {
      return "::ffff:" + formatIp4(b, 12);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLen = 1; // a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  // Character.digit would also accept non-ASCII digits.
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static int parseOctet(String p, String whole) {
    if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
      throw new IllegalArgumentException("invalid ip4 address: " + whole);
    }
    int v = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("invalid ip4 address: " + whole);
      }
      v = v * 10 + (c - '0');
    }
    if (v > 255) {
      throw new IllegalArgumentException("invalid ip4 address: " + whole);
    }
    return v;
  }
}
