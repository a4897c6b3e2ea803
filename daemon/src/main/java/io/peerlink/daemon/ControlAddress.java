package io.peerlink.daemon;

import io.peerlink.core.multiaddr.Multiaddr;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An address a control client and the daemon meet at: the control socket ({@code -listen}) or a
 * stream handler's address. Either a Unix socket, {@code /unix/<path>}, or TCP,
 * {@code /ip4/<addr>/tcp/<port>} (or {@code /ip6/...}). peer-core's {@link Multiaddr} has no
 * {@code /unix}: it names network addresses of peers, and a Unix socket is never one, so the Unix
 * form is read and written here, in text and in the binary form a client sends.
 *
 * @param socket the socket address: a {@link UnixDomainSocketAddress} or an {@link InetSocketAddress}
 */
public record ControlAddress(SocketAddress socket) {
  /** The multicodec of {@code /unix}. */
  static final int UNIX_CODE = 400;

  /**
   * Parses the text form.
   *
   * @param text {@code /unix/tmp/p2pd.sock} or {@code /ip4/127.0.0.1/tcp/0}
   * @return the address
   * @throws IllegalArgumentException if it is neither form
   */
  public static ControlAddress parse(String text) {
    if (text.startsWith("/unix/")) {
      String path = text.substring("/unix".length());
      if (path.contains("%2F") || path.contains("%2f")) {
        // js-multiaddr writes the path as one escaped component: /unix/%2Ftmp%2Fp2pd.sock
        path = URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
      }
      return new ControlAddress(UnixDomainSocketAddress.of(path));
    }
    Multiaddr m = Multiaddr.parse(text);
    return new ControlAddress(m.toSocketAddress().orElseThrow(
        () -> new IllegalArgumentException("not /unix/<path> nor an IP and TCP port: " + text)));
  }

  /**
   * Parses the binary form a client sends (a stream handler's {@code addr}).
   *
   * @param bytes the multiaddr's bytes
   * @return the address
   * @throws IllegalArgumentException if it is neither a Unix socket nor an IP and TCP port
   */
  public static ControlAddress fromBytes(byte[] bytes) {
    if (bytes.length > 2 && (bytes[0] & 0xff) == (0x80 | (UNIX_CODE & 0x7f)) && bytes[1] == (UNIX_CODE >> 7)) {
      int at = 2;
      int length = 0;
      int shift = 0;
      while (true) {
        if (at >= bytes.length || shift > 28) {
          throw new IllegalArgumentException("truncated /unix address");
        }
        int b = bytes[at++] & 0xff;
        length |= (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      if (length != bytes.length - at) {
        throw new IllegalArgumentException("malformed /unix address");
      }
      String path = new String(bytes, at, length, StandardCharsets.UTF_8);
      return new ControlAddress(UnixDomainSocketAddress.of(path.startsWith("/") ? path : "/" + path));
    }
    return parse(Multiaddr.fromBytes(bytes).toString());
  }

  /** {@return whether this is a Unix socket} */
  public boolean isUnix() {
    return socket instanceof UnixDomainSocketAddress;
  }

  /** {@return the binary form} */
  public byte[] bytes() {
    if (socket instanceof UnixDomainSocketAddress unix) {
      byte[] path = unix.getPath().toString().getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0x80 | (UNIX_CODE & 0x7f));
      out.write(UNIX_CODE >> 7);
      int n = path.length;
      while ((n & ~0x7f) != 0) {
        out.write((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.write(n);
      out.writeBytes(path);
      return out.toByteArray();
    }
    return Multiaddr.fromSocketAddress((InetSocketAddress) socket).bytes();
  }

  /** {@return the text form, as p2pd prints it: {@code /unix/tmp/p2pd.sock}} */
  @Override
  public String toString() {
    if (socket instanceof UnixDomainSocketAddress unix) {
      Path p = unix.getPath();
      String s = p.toString();
      return "/unix" + (s.startsWith("/") ? s : "/" + s);
    }
    return Multiaddr.fromSocketAddress((InetSocketAddress) socket).toString();
  }
}
