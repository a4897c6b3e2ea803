package io.peerlink.core.internal.connmgr;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The order in which trimming closes connections, least useful first:
 * <ol>
 *   <li>a relayed connection to a peer we also reach without the relay (the relayed one is only
 *       a fallback then);
 *   <li>a connection with no stream open before one carrying streams;
 *   <li>the one quiet for longest (oldest last activity);
 *   <li>inbound before outbound (we asked for the outbound ones), as go-libp2p prefers;
 *   <li>the one opened first, then by peer ID, so the order is total and repeatable.
 * </ol>
 * The facts are read once before sorting, since streams and activity change while it runs.
 */
final class TrimOrder {
  private TrimOrder() {}

  /** What the order looks at, read once per connection. */
  private record Facts(Peer conn, boolean redundant, boolean busy, Instant lastActivity, boolean outbound,
      Instant opened, PeerId peer) {}

  private static final Comparator<Facts> ORDER = Comparator
      .comparing((Facts f) -> !f.redundant())
      .thenComparing(Facts::busy)
      .thenComparing(Facts::lastActivity)
      .thenComparing(Facts::outbound)
      .thenComparing(Facts::opened)
      .thenComparing(Facts::peer);

  /**
   * {@code conns} sorted least useful first.
   *
   * @param conns the connections that may be closed
   * @param hasDirect whether a peer has an open connection that is not relayed
   * @param openedAt when a connection opened
   */
  static List<Peer> leastUsefulFirst(List<Peer> conns, Predicate<PeerId> hasDirect, Function<Peer, Instant> openedAt) {
    return conns.stream()
        .map(c -> new Facts(c, c.path() == ConnectionPath.RELAYED && hasDirect.test(c.peerId()),
            c.openStreams() > 0, c.stats().lastActivity(), c.direction() == Direction.OUTBOUND,
            orMax(openedAt.apply(c)), c.peerId()))
        .sorted(ORDER)
        .map(Facts::conn)
        .toList();
  }

  private static Instant orMax(Instant t) {
    return t == null ? Instant.MAX : t;
  }
}
