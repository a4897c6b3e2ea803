package io.peerlink.relay.internal.dht;

import io.peerlink.core.Direction;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.internal.proto.KadProtos.Message.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who enters the routing table, as go's {@code peerFound}/{@code validRTPeer}: a connected peer
 * whose identify answer lists {@code /ipfs/kad/1.0.0} (it serves the DHT) and that then answers a
 * FIND_NODE for our own ID within the check timeout. Every identified peer's addresses are
 * remembered, DHT server or not, so FIND_NODE can name it. Thread-safe.
 */
public final class Admission {
  private static final Logger log = LoggerFactory.getLogger(Admission.class);

  private final PeerId self;
  private final RoutingTable table;
  private final PeerAddresses addresses;
  private final KadClient checker;
  private final Map<PeerId, CompletableFuture<Boolean>> checking = new ConcurrentHashMap<>();

  /**
   * Admission into {@code table}.
   *
   * @param self our ID
   * @param table the routing table
   * @param addresses where identified peers' addresses go
   * @param checker sends the check, bounded by the check timeout
   */
  public Admission(PeerId self, RoutingTable table, PeerAddresses addresses, KadClient checker) {
    this.self = self;
    this.table = table;
    this.addresses = addresses;
    this.checker = checker;
  }

  /**
   * Looks at a new connection: identify, then the check.
   *
   * @param conn the connection
   * @return whether the peer is in the table afterwards
   */
  public CompletableFuture<Boolean> connected(Peer conn) {
    if (conn.limit().isPresent()) {
      return CompletableFuture.completedFuture(false); // a limited relayed connection cannot carry the DHT
    }
    return conn.identify().thenCompose(info -> identified(conn, info))
        .exceptionally(e -> false);
  }

  private CompletableFuture<Boolean> identified(Peer conn, IdentifyInfo info) {
    List<Multiaddr> addrs = new ArrayList<>(info.listenAddrs());
    if (conn.direction() == Direction.OUTBOUND && !conn.remoteAddress().isRelayed()) {
      addrs.add(0, conn.remoteAddress());
    }
    KadPeer peer = new KadPeer(conn.peerId(), addrs);
    addresses.learn(peer);
    if (!info.protocols().contains(KadMessages.PROTOCOL)) {
      table.remove(conn.peerId()); // it stopped serving the DHT
      return CompletableFuture.completedFuture(false);
    }
    if (table.contains(peer.id())) {
      table.tryAdd(peer.id(), peer.dialable().stream().filter(a -> !a.isRelayed()).map(Multiaddr::withoutPeerId).toList());
      return CompletableFuture.completedFuture(true);
    }
    return check(peer);
  }

  /**
   * Sends the FIND_NODE check to {@code peer} (once at a time per peer) and admits it if it
   * answers.
   *
   * @param peer the peer
   * @return whether it is in the table afterwards
   */
  public CompletableFuture<Boolean> check(KadPeer peer) {
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    CompletableFuture<Boolean> pending = checking.putIfAbsent(peer.id(), mine);
    if (pending != null) {
      return pending;
    }
    checker.request(peer, KadMessages.request(MessageType.FIND_NODE, self.bytes())).whenComplete((m, e) -> {
      checking.remove(peer.id(), mine);
      if (e != null) {
        log.debug("DHT: {} failed the routing-table check: {}", peer.id(), e.toString());
        mine.complete(false);
        return;
      }
      List<Multiaddr> direct = peer.addrs().stream().filter(a -> !a.isRelayed()).toList();
      mine.complete(table.tryAdd(peer.id(), direct));
    });
    return mine;
  }
}
