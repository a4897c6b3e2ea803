package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.CandidateSource;
import io.peerlink.relay.Dht;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Relay candidates from the DHT. First the providers of {@link Dht#RELAY_RENDEZVOUS}, the key
 * relays running peerlink announce; then, while still short, random-key walks (go's
 * {@code PeerSource} over the DHT), keeping the peers met whose identify answer lists the hop
 * protocol. Each candidate is offered at its first direct address; AutoRelay vets it like any
 * other. Thread-safe.
 */
public final class DhtCandidateSource implements CandidateSource {
  /** Random walks per request at most. */
  static final int MAX_WALKS = 3;

  private final Dht dht;
  private final Host host;
  private final SecureRandom random = new SecureRandom();

  /**
   * A source asking {@code dht}.
   *
   * @param dht the DHT
   * @param host the host, to check a walked peer's protocols through identify
   */
  public DhtCandidateSource(Dht dht, Host host) {
    this.dht = dht;
    this.host = host;
  }

  @Override
  public CompletableFuture<List<Multiaddr>> findCandidates(int wanted) {
    Map<PeerId, Multiaddr> found = new LinkedHashMap<>();
    return dht.findProviders(Dht.RELAY_RENDEZVOUS, wanted).thenCompose(providers -> {
      for (Dht.PeerInfo p : providers) {
        direct(p).ifPresent(a -> found.putIfAbsent(p.id(), a));
      }
      return walk(found, wanted, 0);
    }).thenApply(v -> List.copyOf(found.values()));
  }

  private CompletableFuture<Void> walk(Map<PeerId, Multiaddr> found, int wanted, int walks) {
    if (found.size() >= wanted || walks >= MAX_WALKS) {
      return CompletableFuture.completedFuture(null);
    }
    byte[] key = new byte[32];
    random.nextBytes(key);
    return dht.getClosestPeers(key).thenCompose(peers -> {
      List<CompletableFuture<Void>> checks = new ArrayList<>();
      for (Dht.PeerInfo p : peers) {
        if (p.id().equals(host.identity().peerId())) {
          continue;
        }
        synchronized (found) {
          if (found.containsKey(p.id())) {
            continue;
          }
        }
        direct(p).ifPresent(a -> checks.add(offersHop(a).thenAccept(yes -> {
          if (yes) {
            synchronized (found) {
              found.putIfAbsent(p.id(), a);
            }
          }
        })));
      }
      return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new));
    }).thenCompose(v -> walk(found, wanted, walks + 1));
  }

  /** Whether the peer at {@code addr} lists the hop protocol in identify (a lookup connected us already). */
  private CompletableFuture<Boolean> offersHop(Multiaddr addr) {
    return host.dial(addr).thenCompose(Peer::identify)
        .thenApply(info -> info.protocols().contains(CircuitMessages.HOP_PROTOCOL))
        .exceptionally(e -> false);
  }

  private static Optional<Multiaddr> direct(Dht.PeerInfo p) {
    return p.addrs().stream().filter(a -> !a.isRelayed()).findFirst();
  }
}
