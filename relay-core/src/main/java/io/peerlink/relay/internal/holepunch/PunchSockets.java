package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.multiaddr.Component;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The two transports a hole punch uses, read from addresses: TCP ({@code /ip4|ip6/…/tcp/N}) and
 * QUIC v1 ({@code /ip4|ip6/…/udp/N/quic-v1}), each optionally followed by {@code /p2p/…}. Only
 * IP addresses count: a punch goes to the address the remote was observed at, never a name.
 */
final class PunchSockets {
  private PunchSockets() {}

  /** Whether {@code addr} is a QUIC v1 address. */
  static boolean isQuic(Multiaddr addr) {
    List<Component> c = addr.withoutPeerId().components();
    return c.size() == 3 && c.get(1).protocol() == Protocol.UDP && c.get(2).protocol() == Protocol.QUIC_V1;
  }

  /** The resolved TCP socket address of {@code addr}, or empty if it is not an IP TCP address. */
  static Optional<InetSocketAddress> tcp(Multiaddr addr) {
    return addr.toSocketAddress().filter(s -> !s.isUnresolved());
  }

  /** The UDP socket address of {@code addr}, or empty if it is not an IP QUIC v1 address. */
  static Optional<InetSocketAddress> quic(Multiaddr addr) {
    if (!isQuic(addr)) {
      return Optional.empty();
    }
    List<Component> c = addr.withoutPeerId().components();
    Component host = c.get(0);
    if (host.protocol() != Protocol.IP4 && host.protocol() != Protocol.IP6) {
      return Optional.empty();
    }
    byte[] p = c.get(1).value();
    int port = ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
    try {
      return Optional.of(new InetSocketAddress(InetAddress.getByAddress(host.value()), port));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("validated address rejected", e);
    }
  }

  /** The resolved socket address of a TCP or QUIC v1 address, or empty for anything else. */
  static Optional<InetSocketAddress> either(Multiaddr addr) {
    return isQuic(addr) ? quic(addr) : tcp(addr);
  }

  /** The QUIC v1 address {@code /ip4|ip6/…/udp/N/quic-v1} of {@code socket}. */
  static Multiaddr quicAddress(InetSocketAddress socket) {
    List<Component> tcp = Multiaddr.fromSocketAddress(socket).components();
    byte[] port = {(byte) (socket.getPort() >>> 8), (byte) socket.getPort()};
    return Multiaddr.of(tcp.get(0), new Component(Protocol.UDP, port), new Component(Protocol.QUIC_V1, new byte[0]));
  }
}
