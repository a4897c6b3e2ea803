package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One k-bucket: at most k peers sharing the same number of leading bits with our own key, oldest
 * first. Not thread-safe; the {@link RoutingTable} guards it.
 */
final class KBucket {

  /** A peer in a bucket: where it is, and when it was last useful to a lookup. */
  static final class Entry {
    final PeerId id;
    final KadKey key;
    List<Multiaddr> addrs;
    long lastUsefulNanos;

    Entry(PeerId id, KadKey key, List<Multiaddr> addrs, long now) {
      this.id = id;
      this.key = key;
      this.addrs = List.copyOf(addrs);
      this.lastUsefulNanos = now;
    }

    KadPeer peer() {
      return new KadPeer(id, addrs);
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  long lastRefreshNanos;

  KBucket(long now) {
    this.lastRefreshNanos = now;
  }

  Entry find(PeerId id) {
    for (Entry e : entries) {
      if (e.id.equals(id)) {
        return e;
      }
    }
    return null;
  }

  int size() {
    return entries.size();
  }

  void add(Entry e) {
    entries.add(e);
  }

  boolean remove(PeerId id) {
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      if (it.next().id.equals(id)) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  /**
   * The entry least recently useful, if it has not been useful for {@code staleNanos}: the one a
   * newcomer may replace in a full bucket (go's "replaceable" peers).
   */
  Entry stalest(long now, long staleNanos) {
    Entry worst = null;
    for (Entry e : entries) {
      if (worst == null || e.lastUsefulNanos < worst.lastUsefulNanos) {
        worst = e;
      }
    }
    return worst != null && now - worst.lastUsefulNanos >= staleNanos ? worst : null;
  }

  List<Entry> entries() {
    return entries;
  }
}
