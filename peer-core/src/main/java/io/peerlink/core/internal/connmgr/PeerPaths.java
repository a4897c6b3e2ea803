package io.peerlink.core.internal.connmgr;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerState;
import io.peerlink.core.identity.PeerId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The connections a pool holds to one peer, one per path: at most one direct (or hole-punched)
 * connection and one relayed connection per relay, kept that way by {@link DuplicateResolution}.
 * Thread-safe.
 */
public final class PeerPaths {
  private final List<Peer> conns = new ArrayList<>();

  /**
   * Takes in {@code arriving}, a new open connection to this peer.
   *
   * @param local our peer ID
   * @param arriving the new connection
   * @return the connections to close now: held ones it replaces, or {@code arriving} itself when a
   *     held one wins (then it is not added)
   */
  public synchronized List<Peer> add(PeerId local, Peer arriving) {
    conns.removeIf(c -> !c.isOpen());
    List<Peer> losers = new ArrayList<>();
    for (Peer held : conns) {
      Peer loser = DuplicateResolution.loser(local, held, arriving);
      if (loser == arriving) {
        return List.of(arriving);
      }
      if (loser != null) {
        losers.add(loser);
      }
    }
    conns.removeAll(losers);
    conns.add(arriving);
    return losers;
  }

  /** {@return whether {@code conn} is held} */
  public synchronized boolean contains(Peer conn) {
    return conns.contains(conn);
  }

  /**
   * Forgets {@code conn} (it closed).
   *
   * @param conn the connection
   * @return whether no connection is held any more
   */
  public synchronized boolean remove(Peer conn) {
    conns.remove(conn);
    return conns.isEmpty();
  }

  /** {@return whether no open connection is held} */
  public synchronized boolean isEmpty() {
    return conns.stream().noneMatch(Peer::isOpen);
  }

  /** {@return the usable connection to hand out: a direct one over a relayed one, the older first} */
  public synchronized Optional<Peer> best() {
    return conns.stream()
        .filter(c -> c.isOpen() && c.state() == PeerState.CONNECTED)
        .min(Comparator.comparing((Peer c) -> c.path() == ConnectionPath.RELAYED));
  }

  /** {@return every connection held} */
  public synchronized List<Peer> all() {
    return List.copyOf(conns);
  }

  /** {@return the latest stream activity on any held connection} */
  public synchronized Instant lastActivity() {
    Instant latest = Instant.MIN;
    for (Peer c : conns) {
      Instant t = c.stats().lastActivity();
      latest = t.isAfter(latest) ? t : latest;
    }
    return latest;
  }
}
