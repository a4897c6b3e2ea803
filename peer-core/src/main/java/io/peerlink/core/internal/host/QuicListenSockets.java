package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The host's QUIC listen sockets, and which remotes a dial from a listen port is under way to.
 *
 * <p>An outbound QUIC dial goes out from the port of a listen socket of the same IP family, so the
 * remote sees our listen port (identify's observed address names it, and a NAT maps it as it maps
 * the listen socket's own packets: a hole punch needs that). The dial gets a UDP socket of its own,
 * bound to that port with SO_REUSEPORT and connected to the remote: Linux hands the packets of a
 * connected socket's 4-tuple to that socket, and everything else to the unconnected listen socket.
 * Two such sockets for one remote would share a 4-tuple, so a second dial to a remote that already
 * has one (or that has an inbound connection to the listen socket, whose packets it would take)
 * goes out from an ephemeral port instead.
 *
 * <p>Thread-safe.
 */
final class QuicListenSockets {
  /** One listen socket: the UDP channel, and the address it was bound at with its real port. */
  record ListenSocket(Channel channel, InetSocketAddress bound) {}

  private final List<ListenSocket> sockets = new CopyOnWriteArrayList<>();
  private final Set<InetSocketAddress> dialing = ConcurrentHashMap.newKeySet();

  /** Records a bound listen socket; it is forgotten when its channel closes. */
  void add(Channel channel, InetSocketAddress bound) {
    ListenSocket s = new ListenSocket(channel, bound);
    sockets.add(s);
    channel.closeFuture().addListener(f -> sockets.remove(s));
  }

  /**
   * The listen socket a packet to {@code remote} can leave from: one of the same IP family, bound
   * to the wildcard address or, for a loopback remote, to loopback, or for any other remote, to an
   * address that is not loopback.
   */
  Optional<ListenSocket> forRemote(InetSocketAddress remote) {
    boolean v4 = remote.getAddress() instanceof Inet4Address;
    boolean loopback = remote.getAddress().isLoopbackAddress();
    for (ListenSocket s : sockets) {
      if (!s.channel().isActive() || (s.bound().getAddress() instanceof Inet4Address) != v4) {
        continue;
      }
      if (s.bound().getAddress().isAnyLocalAddress() || s.bound().getAddress().isLoopbackAddress() == loopback) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * Claims the listen port for a dial to {@code remote}: the local address to bind the dial's socket
   * to, or empty when the dial must use an ephemeral port (no fitting listen socket, a dial from
   * the listen port to that remote already under way, or {@code inboundFromRemote}). Call
   * {@link #release} once the dial's socket closed.
   */
  Optional<InetSocketAddress> claim(InetSocketAddress remote, boolean inboundFromRemote) {
    if (inboundFromRemote) {
      return Optional.empty();
    }
    Optional<ListenSocket> s = forRemote(remote);
    if (s.isEmpty() || !dialing.add(remote)) {
      return Optional.empty();
    }
    return Optional.of(s.get().bound());
  }

  /** Releases what {@link #claim} took for {@code remote}. */
  void release(InetSocketAddress remote) {
    dialing.remove(remote);
  }
}
