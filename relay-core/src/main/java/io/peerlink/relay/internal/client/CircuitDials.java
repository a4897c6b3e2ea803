package io.peerlink.relay.internal.client;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;
import io.peerlink.core.spi.Host;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One circuit per (relay, peer): a relayed dial to a peer through a relay we already have an open
 * relayed connection through returns that connection, and dials that arrive while one is being
 * set up share it. Without this every dial opened a circuit of its own and a new security
 * handshake, and a relay's per-peer circuit limit (16 in go's defaults) refused the 17th.
 * Thread-safe.
 */
final class CircuitDials {
  private record Key(PeerId relay, PeerId target) {}

  private final Host host;
  private final Map<Key, CompletableFuture<Peer>> inFlight = new HashMap<>(); // guarded by this

  CircuitDials(Host host) {
    this.host = host;
  }

  /**
   * The open relayed connection to {@code target} through {@code relay} (either direction), else
   * the dial under way to it, else the one {@code open} starts.
   */
  CompletableFuture<Peer> dial(PeerId relay, PeerId target, Supplier<CompletableFuture<Peer>> open) {
    Optional<Peer> existing = open(relay, target);
    if (existing.isPresent()) {
      return CompletableFuture.completedFuture(existing.get());
    }
    Key key = new Key(relay, target);
    CompletableFuture<Peer> shared;
    synchronized (this) {
      shared = inFlight.get(key);
      if (shared == null) {
        CompletableFuture<Peer> started;
        try {
          started = open.get();
        } catch (RuntimeException e) {
          started = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Peer> mine = started;
        inFlight.put(key, mine);
        shared = mine;
        mine.whenComplete((p, e) -> {
          synchronized (CircuitDials.this) {
            inFlight.remove(key, mine);
          }
        });
      }
    }
    // Each caller gets its own future: one caller cancelling does not end the others' dial.
    return shared.thenApply(p -> p);
  }

  /** An open relayed connection to {@code target} through {@code relay}, if there is one. */
  Optional<Peer> open(PeerId relay, PeerId target) {
    for (Peer p : host.connections()) {
      if (p.peerId().equals(target) && p.path() == ConnectionPath.RELAYED && p.isOpen()
          && relay.equals(relayOf(p).orElse(null))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The relay a relayed connection runs through: its remote address is
   * {@code <relay transport>/p2p/<relay>/p2p-circuit}.
   *
   * @param relayed a relayed connection
   * @return the relay's peer ID, if the address names one
   */
  static Optional<PeerId> relayOf(Peer relayed) {
    Multiaddr remote = relayed.remoteAddress();
    if (!remote.isRelayed()) {
      return Optional.empty();
    }
    return remote.decapsulate(Protocol.P2P_CIRCUIT).peerId();
  }
}
