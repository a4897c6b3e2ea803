package io.peerlink.core.internal.host;

import io.peerlink.core.multiaddr.Component;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The two direct transports' addresses: TCP ({@code /ip4|ip6|dns…/…/tcp/N}) and QUIC v1
 * ({@code /ip4|ip6|dns…/…/udp/N/quic-v1}), each optionally followed by {@code /p2p/<id>}. The
 * dialer and the listener read the socket address from either and pick the transport by
 * {@link #isQuic}. Draft-29 {@code /quic} is not dialed: go-libp2p stopped offering it.
 */
public final class TransportAddress {
  private TransportAddress() {}

  /** Whether {@code addr} (with or without {@code /p2p}) is a QUIC v1 address. */
  public static boolean isQuic(Multiaddr addr) {
    return addr.isQuic();
  }

  /**
   * The socket address of a TCP or QUIC v1 address (DNS names unresolved), or empty for anything
   * else (relayed addresses, other transports).
   */
  public static Optional<InetSocketAddress> socket(Multiaddr addr) {
    return addr.toTransportSocketAddress();
  }

  /** The address of the same transport as {@code like} (TCP or QUIC) at {@code socket}, without {@code /p2p}. */
  public static Multiaddr at(Multiaddr like, InetSocketAddress socket) {
    return isQuic(like) ? quic(socket) : Multiaddr.fromSocketAddress(socket);
  }

  /** The QUIC v1 address of a resolved socket address: {@code /ip4|ip6/…/udp/N/quic-v1}. */
  public static Multiaddr quic(InetSocketAddress socket) {
    List<Component> tcp = Multiaddr.fromSocketAddress(socket).components();
    byte[] port = {(byte) (socket.getPort() >>> 8), (byte) socket.getPort()};
    return Multiaddr.of(tcp.get(0), new Component(Protocol.UDP, port), new Component(Protocol.QUIC_V1, new byte[0]));
  }

  /** The error text for an address neither transport dials. */
  public static String notDialable(Multiaddr addr) {
    return "not a dialable TCP or QUIC address (need /ip4|/ip6|/dns4|/dns6|/dns …/tcp/<port> or …/udp/<port>/quic-v1): "
        + addr;
  }
}
