package io.peerlink.core.multiaddr;

import io.peerlink.core.identity.PeerId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Per-protocol component values: validation of binary values, and conversion between the binary
 * and text forms. Every failure is an {@link IllegalArgumentException}.
 */
final class ValueCodec {
  private ValueCodec() {}

  /** Checks that {@code value} is a valid binary value for {@code p}. */
  static void validate(Protocol p, byte[] value) {
    if (p.size() != Protocol.VARIABLE && value.length * 8 != p.size()) {
      throw new IllegalArgumentException(
          "/" + p + " value must be " + p.size() / 8 + " bytes, got " + value.length);
    }
    switch (p) {
      case P2P -> PeerId.fromBytes(value);
      case DNS, DNS4, DNS6, DNSADDR, SNI, IP6ZONE -> checkName(p, utf8(p, value));
      default -> {
        // Fixed-size values (addresses, ports) are valid at any content.
      }
    }
  }

  /** The binary value of {@code text} for {@code p}. */
  static byte[] fromText(Protocol p, String text) {
    return switch (p) {
      case IP4 -> IpText.parseIp4(text);
      case IP6 -> IpText.parseIp6(text);
      case TCP, UDP -> port(p, text);
      case P2P -> PeerId.parse(text).bytes(); // a CID in the text still becomes the multihash
      case DNS, DNS4, DNS6, DNSADDR, SNI, IP6ZONE -> {
        checkName(p, text);
        yield text.getBytes(StandardCharsets.UTF_8);
      }
      default -> throw new IllegalStateException("/" + p + " has no value");
    };
  }

  /** The text of a valid binary value of {@code p}; empty for protocols without a value. */
  static String toText(Protocol p, byte[] value) {
    return switch (p) {
      case IP4 -> IpText.formatIp4(value, 0);
      case IP6 -> IpText.formatIp6(value);
      case TCP, UDP -> Integer.toString(((value[0] & 0xFF) << 8) | (value[1] & 0xFF));
      case P2P -> PeerId.fromBytes(value).toBase58();
      case DNS, DNS4, DNS6, DNSADDR, SNI, IP6ZONE -> new String(value, StandardCharsets.UTF_8);
      default -> "";
    };
  }

  private static byte[] port(Protocol p, String text) {
    if (text.isEmpty() || text.length() > 5) {
      throw new IllegalArgumentException("invalid /" + p + " port: " + text);
    }
    int v = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("invalid /" + p + " port: " + text);
      }
      v = v * 10 + (c - '0');
    }
    if (v > 0xFFFF) {
      throw new IllegalArgumentException("invalid /" + p + " port: " + text);
    }
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  // A '/' would make the text form unparseable; an empty name resolves to nothing.
  private static void checkName(Protocol p, String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("/" + p + " value must not be empty");
    }
    if (name.indexOf('/') >= 0) {
      throw new IllegalArgumentException("/" + p + " value must not contain '/': " + name);
    }
  }

  private static String utf8(Protocol p, byte[] value) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("/" + p + " value is not valid UTF-8", e);
    }
  }
}
