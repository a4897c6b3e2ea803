package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Kademlia's routing table: 257 k-buckets indexed by how many leading bits a peer's key shares
 * with ours (0 to 256). A full bucket refuses a newcomer unless one of its peers has not been
 * useful for the replacement age, which go-libp2p-kad-dht does too ("replaceable" peers); peers
 * that fail a query are removed by the caller.
 *
 * <p>Only peers that speak the DHT as servers belong here; the caller checks that before
 * {@link #tryAdd}. Thread-safe.
 */
public final class RoutingTable {
  private final KadKey self;
  private final int k;
  private final long replaceAfterNanos;
  private final LongSupplier clock;
  private final KBucket[] buckets = new KBucket[KadKey.BYTES * 8 + 1];
  private int size;

  /**
   * An empty table.
   *
   * @param self our own peer ID
   * @param k the bucket size
   * @param replaceAfterNanos how long a peer must have been useless before a newcomer replaces it
   * @param clock a nanosecond clock
   */
  public RoutingTable(PeerId self, int k, long replaceAfterNanos, LongSupplier clock) {
    this.self = KadKey.of(self);
    this.k = k;
    this.replaceAfterNanos = replaceAfterNanos;
    this.clock = Objects.requireNonNull(clock, "clock");
    long now = clock.getAsLong();
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new KBucket(now);
    }
  }

  /** {@return our own key} */
  public KadKey self() {
    return self;
  }

  /**
   * Adds {@code peer} or refreshes its addresses.
   *
   * @param peer the peer
   * @param addrs its addresses
   * @return whether the peer is in the table now
   */
  public synchronized boolean tryAdd(PeerId peer, List<Multiaddr> addrs) {
    KadKey key = KadKey.of(peer);
    if (key.equals(self)) {
      return false;
    }
    KBucket b = buckets[self.commonPrefixLength(key)];
    long now = clock.getAsLong();
    KBucket.Entry e = b.find(peer);
    if (e != null) {
      if (!addrs.isEmpty()) {
        e.addrs = List.copyOf(addrs);
      }
      return true;
    }
    if (b.size() >= k) {
      KBucket.Entry stale = b.stalest(now, replaceAfterNanos);
      if (stale == null) {
        return false;
      }
      b.remove(stale.id);
      size--;
    }
    b.add(new KBucket.Entry(peer, key, addrs, now));
    size++;
    return true;
  }

  /**
   * Removes {@code peer}.
   *
   * @param peer the peer
   * @return whether it was there
   */
  public synchronized boolean remove(PeerId peer) {
    KadKey key = KadKey.of(peer);
    boolean removed = buckets[self.commonPrefixLength(key)].remove(peer);
    if (removed) {
      size--;
    }
    return removed;
  }

  /**
   * Notes that {@code peer} answered a query usefully, so it is not replaced soon.
   *
   * @param peer the peer
   */
  public synchronized void markUseful(PeerId peer) {
    KBucket.Entry e = buckets[self.commonPrefixLength(KadKey.of(peer))].find(peer);
    if (e != null) {
      e.lastUsefulNanos = clock.getAsLong();
    }
  }

  /**
   * {@return whether {@code peer} is in the table}
   *
   * @param peer the peer
   */
  public synchronized boolean contains(PeerId peer) {
    return buckets[self.commonPrefixLength(KadKey.of(peer))].find(peer) != null;
  }

  /** {@return how many peers the table holds} */
  public synchronized int size() {
    return size;
  }

  /**
   * {@return up to {@code n} peers closest to {@code target}, closest first}
   *
   * @param target the point
   * @param n how many
   */
  public synchronized List<KadPeer> closest(KadKey target, int n) {
    List<KBucket.Entry> all = new ArrayList<>(size);
    for (KBucket b : buckets) {
      all.addAll(b.entries());
    }
    Comparator<KadKey> byDistance = target.byDistance();
    all.sort((a, b) -> byDistance.compare(a.key, b.key));
    List<KadPeer> out = new ArrayList<>(Math.min(n, all.size()));
    for (int i = 0; i < all.size() && out.size() < n; i++) {
      out.add(all.get(i).peer());
    }
    return out;
  }

  /** {@return every peer in the table} */
  public synchronized List<KadPeer> peers() {
    List<KadPeer> out = new ArrayList<>(size);
    for (KBucket b : buckets) {
      b.entries().forEach(e -> out.add(e.peer()));
    }
    return out;
  }

  /**
   * The common-prefix lengths whose buckets no lookup went through for {@code maxAgeNanos}, up to
   * one past the deepest non-empty bucket (deeper buckets cannot fill in a table of this size, so
   * go and js refresh only that far).
   *
   * @param maxAgeNanos how old a refresh may be
   * @return the prefix lengths to refresh, shallowest first
   */
  public synchronized List<Integer> staleBuckets(long maxAgeNanos) {
    int deepest = 0;
    for (int i = 0; i < buckets.length; i++) {
      if (buckets[i].size() > 0) {
        deepest = i;
      }
    }
    long now = clock.getAsLong();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i <= Math.min(deepest + 1, buckets.length - 1); i++) {
      if (now - buckets[i].lastRefreshNanos >= maxAgeNanos) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * Notes a lookup for {@code target}: the bucket it falls into counts as refreshed.
   *
   * @param target the lookup's point
   */
  public synchronized void refreshed(KadKey target) {
    buckets[self.commonPrefixLength(target)].lastRefreshNanos = clock.getAsLong();
  }
}
