package io.peerlink.core.internal.host;

import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.multiaddr.Component;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a peer's multiaddrs into socket addresses to dial: IP addresses as they are,
 * {@code dns}/{@code dns4}/{@code dns6} names through the system resolver, keeping only the
 * address family the protocol asks for. Blocking: the dialer runs it on the host's resolver
 * executor, never on an event loop.
 */
final class DialResolver {
  private DialResolver() {}

  /**
   * Every target {@code addrs} resolve to. Addresses that do not resolve are skipped as long as
   * another one does; if none does, throws the first one's error.
   */
  static List<DialTarget> resolveAll(List<Multiaddr> addrs) throws PeerException {
    List<DialTarget> targets = new ArrayList<>();
    PeerException firstError = null;
    for (Multiaddr a : addrs) {
      try {
        targets.addAll(resolve(a));
      } catch (PeerException e) {
        firstError = firstError == null ? e : firstError;
      }
    }
    if (targets.isEmpty()) {
      throw firstError;
    }
    return targets;
  }

  /** Resolves one multiaddr (with or without {@code /p2p}) into targets. */
  static List<DialTarget> resolve(Multiaddr addr) throws PeerException {
    Multiaddr transport = addr.withoutPeerId();
    InetSocketAddress socket = TransportAddress.socket(transport).orElseThrow();
    if (!socket.isUnresolved()) {
      return List.of(new DialTarget(socket, transport));
    }
    Component host = transport.components().get(0);
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(socket.getHostString());
    } catch (UnknownHostException e) {
      throw new PeerException(PeerError.CONNECT, "could not resolve " + socket.getHostString() + " in " + addr
          + " (check the name and this machine's DNS)", e);
    }
    List<DialTarget> out = new ArrayList<>();
    for (InetAddress a : all) {
      boolean fits = host.protocol() == Protocol.DNS
          || (host.protocol() == Protocol.DNS4 && a instanceof Inet4Address)
          || (host.protocol() == Protocol.DNS6 && a instanceof Inet6Address);
      if (fits) {
        InetSocketAddress s = new InetSocketAddress(a, socket.getPort());
        out.add(new DialTarget(s, TransportAddress.at(transport, s)));
      }
    }
    if (out.isEmpty()) {
      throw new PeerException(PeerError.CONNECT, socket.getHostString() + " has no "
          + (host.protocol() == Protocol.DNS4 ? "IPv4" : "IPv6") + " address (" + addr + ")");
    }
    return out;
  }
}
