package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses the DHT last learned for peers (from identify, from replies), the most recently
 * learned {@code capacity} peers. FIND_NODE answers name a target we know this way, and
 * {@code findPeer} answers from it first. Thread-safe.
 */
public final class PeerAddresses {
  private final Map<PeerId, List<Multiaddr>> addrs;

  /**
   * An empty cache.
   *
   * @param capacity the most peers remembered
   */
  public PeerAddresses(int capacity) {
    this.addrs = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<PeerId, List<Multiaddr>> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * Remembers {@code peer}'s addresses; an empty list changes nothing.
   *
   * @param peer the peer and its addresses
   */
  public synchronized void learn(KadPeer peer) {
    if (!peer.addrs().isEmpty()) {
      addrs.put(peer.id(), peer.addrs());
    }
  }

  /**
   * {@return the addresses known for {@code peer}, possibly none}
   *
   * @param peer the peer
   */
  public synchronized List<Multiaddr> get(PeerId peer) {
    return addrs.getOrDefault(peer, List.of());
  }
}
