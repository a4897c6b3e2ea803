package io.peerlink.core.internal.connmgr;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Which of two connections to one peer a pool closes, by path:
 * <ul>
 *   <li>A direct (or hole-punched) connection and a relayed one: neither. The direct one carries
 *       the traffic; the relayed one stays as the fallback and for hole-punch signalling.
 *   <li>Two direct ones: the one dialed by the peer with the higher peer ID closes (between two
 *       dialed by the same side, the one from the higher source port). Both sides know both facts,
 *       so both close the same one.
 *   <li>Two relayed ones through the same relay: the one dialed by the higher peer ID closes;
 *       when one side dialed both, that side closes the newer one and the other side waits for
 *       it (a relayed connection has no source port both sides see). Relayed connections through
 *       different relays both stay: each is a way in.
 * </ul>
 */
public final class DuplicateResolution {
  private DuplicateResolution() {}

  /**
   * The one of {@code existing} and {@code arriving} (both open, to one peer) that {@code local}
   * should close, or null to keep both.
   *
   * @param local our peer ID
   * @param existing the connection already held
   * @param arriving the connection just made
   * @return the connection to close, or null
   */
  public static Peer loser(PeerId local, Peer existing, Peer arriving) {
    boolean relayedA = existing.path() == ConnectionPath.RELAYED;
    boolean relayedB = arriving.path() == ConnectionPath.RELAYED;
    if (relayedA != relayedB) {
      return null;
    }
    if (!relayedA) {
      return preferred(local, arriving, existing) ? existing : arriving;
    }
    Optional<PeerId> relayA = relay(existing);
    if (relayA.isEmpty() || !relayA.equals(relay(arriving))) {
      return null;
    }
    int c = dialer(local, existing).compareTo(dialer(local, arriving));
    if (c != 0) {
      return c < 0 ? arriving : existing;
    }
    return dialer(local, arriving).equals(local) ? arriving : null;
  }

  /**
   * The relay a relayed connection runs through: the peer ID before {@code /p2p-circuit} in its
   * remote address.
   *
   * @param relayed a relayed connection
   * @return the relay's peer ID, if the address names it
   */
  public static Optional<PeerId> relay(Peer relayed) {
    Multiaddr remote = relayed.remoteAddress();
    return remote.isRelayed() ? remote.decapsulate(Protocol.P2P_CIRCUIT).peerId() : Optional.empty();
  }

  /** Whether direct connection {@code a} should be kept over {@code b}. */
  private static boolean preferred(PeerId local, Peer a, Peer b) {
    int c = dialer(local, a).compareTo(dialer(local, b));
    if (c != 0) {
      return c < 0;
    }
    return dialerPort(a) < dialerPort(b);
  }

  private static PeerId dialer(PeerId local, Peer p) {
    return p.direction() == Direction.OUTBOUND ? local : p.peerId();
  }

  private static int dialerPort(Peer p) {
    Multiaddr m = p.direction() == Direction.OUTBOUND ? p.localAddress() : p.remoteAddress();
    return m.toTransportSocketAddress().map(InetSocketAddress::getPort).orElse(0);
  }
}
