package io.peerlink.relay.internal.dial;

import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.internal.client.RelayAddresses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The circuit addresses peers announced in identify ({@code <relay>/p2p-circuit/p2p/<peer>}),
 * remembered after their connections close, so a later dial (or a reconnection after a relay
 * died) can go through the other relays a peer is reachable at. At most {@code maxPeers} peers are
 * remembered, the least recently heard from forgotten first. A stand-in for a host-wide address
 * book with TTLs: once peer-core has one, this reads from it. Thread-safe.
 */
public final class IdentifiedCircuits implements AutoCloseable {
  private final Host host;
  private final Map<PeerId, List<Multiaddr>> byPeer;
  private final Consumer<Peer> onConnection = this::heard;

  /**
   * Watches {@code host}'s connections.
   *
   * @param host the host
   * @param maxPeers how many peers' addresses to remember
   */
  public IdentifiedCircuits(Host host, int maxPeers) {
    this.host = host;
    this.byPeer = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<PeerId, List<Multiaddr>> eldest) {
        return size() > maxPeers;
      }
    };
    host.addConnectionListener(onConnection);
  }

  private void heard(Peer p) {
    p.identify().thenAccept(info -> remember(p.peerId(), info.listenAddrs()));
  }

  /**
   * Remembers {@code peer}'s circuit addresses among {@code addrs} (others are ignored), replacing
   * what was known; an announcement without any leaves the old ones.
   *
   * @param peer the peer
   * @param addrs the addresses it announced
   */
  public void remember(PeerId peer, List<Multiaddr> addrs) {
    List<Multiaddr> circuits = addrs.stream().filter(a -> isCircuitOf(a, peer)).toList();
    if (circuits.isEmpty()) {
      return;
    }
    synchronized (byPeer) {
      byPeer.put(peer, circuits);
    }
  }

  /**
   * {@return the circuit addresses {@code peer} announced last}
   *
   * @param peer the peer
   */
  public List<Multiaddr> of(PeerId peer) {
    synchronized (byPeer) {
      return byPeer.getOrDefault(peer, List.of());
    }
  }

  private static boolean isCircuitOf(Multiaddr a, PeerId peer) {
    if (!a.isRelayed()) {
      return false;
    }
    try {
      return RelayAddresses.parse(a.withPeerId(peer)).target().equals(peer);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Stops watching the host. */
  @Override
  public void close() {
    host.removeConnectionListener(onConnection);
  }
}
