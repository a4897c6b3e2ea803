package io.peerlink.core.internal.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the ALPN offer (RFC 7301) out of a TLS ClientHello body (RFC 8446 section 4.1.2, the
 * handshake message after its 4-byte header). Only reads: every length is checked against what is
 * left before it is used, and nothing is copied but the protocol names.
 */
final class ClientHelloAlpn {
  /** The ALPN extension's type. */
  static final int EXTENSION_TYPE = 16;

  private ClientHelloAlpn() {}

  /**
   * The protocols the client offers, in its order; empty when the ClientHello has no ALPN
   * extension.
   *
   * @throws IllegalArgumentException if a length runs past its container or an entry is empty
   *     (the TLS engine refuses such a ClientHello itself; this only says it found no offer)
   */
  static List<String> offered(ByteBuf hello) {
    int at = hello.readerIndex();
    int end = hello.writerIndex();
    at = skip(at, 2 + 32, end); // legacy_version, random
    at = skip(at + 1, hello.getUnsignedByte(check(at, 1, end)), end); // legacy_session_id
    at = skip(at + 2, hello.getUnsignedShort(check(at, 2, end)), end); // cipher_suites
    at = skip(at + 1, hello.getUnsignedByte(check(at, 1, end)), end); // legacy_compression_methods
    if (at == end) {
      return List.of(); // no extensions at all
    }
    int extensionsEnd = skip(at + 2, hello.getUnsignedShort(check(at, 2, end)), end);
    at += 2;
    while (at < extensionsEnd) {
      int type = hello.getUnsignedShort(check(at, 4, extensionsEnd));
      int length = hello.getUnsignedShort(at + 2);
      int dataEnd = skip(at + 4, length, extensionsEnd);
      if (type == EXTENSION_TYPE) {
        return protocols(hello, at + 4, dataEnd);
      }
      at = dataEnd;
    }
    return List.of();
  }

  /** {@code ProtocolName protocol_name_list<2..2^16-1>}, each {@code opaque ProtocolName<1..2^8-1>}. */
  private static List<String> protocols(ByteBuf hello, int at, int end) {
    int listEnd = skip(at + 2, hello.getUnsignedShort(check(at, 2, end)), end);
    if (listEnd != end) {
      throw new IllegalArgumentException("ALPN extension has bytes after its protocol list");
    }
    List<String> out = new ArrayList<>();
    at += 2;
    while (at < listEnd) {
      int length = hello.getUnsignedByte(check(at, 1, listEnd));
      if (length == 0) {
        throw new IllegalArgumentException("empty ALPN protocol name");
      }
      int nameEnd = skip(at + 1, length, listEnd);
      out.add(hello.toString(at + 1, length, StandardCharsets.ISO_8859_1));
      at = nameEnd;
    }
    return List.copyOf(out);
  }

  /** {@code at}, after checking that {@code n} bytes from it lie before {@code end}. */
  private static int check(int at, int n, int end) {
    if (at + n > end) {
      throw new IllegalArgumentException("truncated ClientHello");
    }
    return at;
  }

  /** {@code at + n}, after checking that it does not pass {@code end}. */
  private static int skip(int at, int n, int end) {
    return check(at, n, end) + n;
  }
}
