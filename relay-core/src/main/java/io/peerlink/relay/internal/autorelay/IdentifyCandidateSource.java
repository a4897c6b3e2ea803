package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.CandidateSource;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Candidates from the peers this host is directly connected to whose identify answer lists the
 * hop protocol ({@code /libp2p/circuit/relay/0.2.0/hop}): go-libp2p's "relays we happen to be
 * connected to". Each is offered at the address we reached it on. Remembers at most
 * {@code capacity} peers (the most recent). Thread-safe.
 */
public final class IdentifyCandidateSource implements CandidateSource {
  private final Map<PeerId, Multiaddr> seen;
  private volatile Runnable newCandidates;
  private volatile boolean closed;

  private IdentifyCandidateSource(int capacity) {
    this.seen = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<PeerId, Multiaddr> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * Watches the connections of {@code host}: those open now and every later one.
   *
   * @param host the listener whose connections are watched
   * @param capacity the most candidates kept
   * @return the source
   */
  public static IdentifyCandidateSource watching(Listener host, int capacity) {
    IdentifyCandidateSource s = new IdentifyCandidateSource(capacity);
    Host.of(host).addConnectionListener(s::connected);
    for (Peer p : host.peers()) {
      s.connected(p);
    }
    return s;
  }

  /**
   * Looks at one connection's identify answer (public for hosts wired by hand).
   *
   * @param peer a connection whose identify answer to look at
   */
  public void connected(Peer peer) {
    if (closed || peer.path() == ConnectionPath.RELAYED) {
      return;
    }
    peer.identify().thenAccept(info -> offer(peer, info));
  }

  private void offer(Peer peer, IdentifyInfo info) {
    if (closed || !info.protocols().contains(CircuitMessages.HOP_PROTOCOL)) {
      return;
    }
    // An inbound connection's remote port is ephemeral: offer an address the relay listens on.
    Multiaddr where = peer.remoteAddress().withoutPeerId();
    if (peer.direction() == Direction.INBOUND) {
      where = info.listenAddrs().stream().filter(a -> !a.isRelayed()).findFirst().orElse(where).withoutPeerId();
    }
    Multiaddr addr = where.withPeerId(peer.peerId());
    synchronized (seen) {
      seen.remove(peer.peerId());
      seen.put(peer.peerId(), addr);
    }
    Runnable r = newCandidates;
    if (r != null) {
      r.run();
    }
  }

  @Override
  public CompletableFuture<List<Multiaddr>> findCandidates(int wanted) {
    List<Multiaddr> out;
    synchronized (seen) {
      out = new ArrayList<>(seen.values());
    }
    Collections.reverse(out); // most recent first
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public void watch(Runnable newCandidates) {
    this.newCandidates = newCandidates;
  }

  @Override
  public void close() {
    closed = true;
    newCandidates = null;
  }
}
