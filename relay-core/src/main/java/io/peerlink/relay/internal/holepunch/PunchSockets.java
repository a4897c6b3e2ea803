package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.multiaddr.Component;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The two transports a hole punch uses, read from addresses: TCP ({@code /ip4|ip6/…/tcp/N}) and
 * QUIC v1 ({@code /ip4|ip6/…/udp/N/quic-v1}), each optionally followed by {@code /p2p/…}. Only
 * IP addresses count: a punch goes to the address the remote was observed at, never a name.
 */
final class PunchSockets {
  private PunchSockets() {}

  /** The resolved TCP socket address of {@code addr}, or empty if it is not an IP TCP address. */
  static Optional<InetSocketAddress> tcp(Multiaddr addr) {
    return addr.toSocketAddress().filter(s -> !s.isUnresolved());
  }

  /** The UDP socket address of {@code addr}, or empty if it is not an IP QUIC v1 address. */
  static Optional<InetSocketAddress> quic(Multiaddr addr) {
    return addr.isQuic() ? either(addr) : Optional.empty();
  }

  /** The resolved socket address of a TCP or QUIC v1 address, or empty for anything else. */
  static Optional<InetSocketAddress> either(Multiaddr addr) {
    return addr.toTransportSocketAddress().filter(s -> !s.isUnresolved());
  }

  /** The QUIC v1 address {@code /ip4|ip6/…/udp/N/quic-v1} of {@code socket}. */
  static Multiaddr quicAddress(InetSocketAddress socket) {
    List<Component> tcp = Multiaddr.fromSocketAddress(socket).components();
    byte[] port = {(byte) (socket.getPort() >>> 8), (byte) socket.getPort()};
    return Multiaddr.of(tcp.get(0), new Component(Protocol.UDP, port), new Component(Protocol.QUIC_V1, new byte[0]));
  }
}
