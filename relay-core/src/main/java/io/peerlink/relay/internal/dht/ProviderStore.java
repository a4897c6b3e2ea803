package io.peerlink.relay.internal.dht;

import com.google.protobuf.ByteString;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Who provides which key (ADD_PROVIDER received, and our own provides): each entry lives for the
 * provider TTL (48 h, as the spec, go and js), and the store is bounded by entries in all and by
 * keys per provider. Keys are at most {@link #MAX_KEY_BYTES} (go's 80-byte cap: a multihash).
 * Thread-safe.
 */
public final class ProviderStore {
  /** The longest key accepted (go's limit). */
  public static final int MAX_KEY_BYTES = 80;

  private record Entry(List<Multiaddr> addrs, long expiresNanos) {}

  private final PeerId self;
  private final int maxEntries;
  private final int maxPerPeer;
  private final long ttlNanos;
  private final LongSupplier clock;
  private final Map<ByteString, LinkedHashMap<PeerId, Entry>> byKey = new HashMap<>();
  private final Map<PeerId, Integer> perPeer = new HashMap<>();
  private int entries;

  /**
   * An empty store.
   *
   * @param self our ID: our own entries are not charged to a remote's share
   * @param maxEntries entries (key, provider) in all
   * @param maxPerPeer keys one remote provider may have entries for
   * @param ttlNanos how long an entry lives
   * @param clock a nanosecond clock
   */
  public ProviderStore(PeerId self, int maxEntries, int maxPerPeer, long ttlNanos, LongSupplier clock) {
    this.self = self;
    this.maxEntries = maxEntries;
    this.maxPerPeer = maxPerPeer;
    this.ttlNanos = ttlNanos;
    this.clock = clock;
  }

  /**
   * Adds or renews {@code provider} for {@code key}.
   *
   * @param key the key (a multihash)
   * @param provider the provider and its addresses
   * @return whether it is held now (false: key too long or a limit refused it)
   */
  public synchronized boolean add(byte[] key, KadPeer provider) {
    if (key.length == 0 || key.length > MAX_KEY_BYTES) {
      return false;
    }
    long now = clock.getAsLong();
    ByteString k = ByteString.copyFrom(key);
    LinkedHashMap<PeerId, Entry> providers = byKey.computeIfAbsent(k, x -> new LinkedHashMap<>());
    Entry old = providers.get(provider.id());
    if (old == null) {
      boolean remote = !provider.id().equals(self);
      if (entries >= maxEntries) {
        expire(now);
      }
      if (entries >= maxEntries || remote && perPeer.getOrDefault(provider.id(), 0) >= maxPerPeer) {
        if (providers.isEmpty()) {
          byKey.remove(k);
        }
        return false;
      }
      entries++;
      if (remote) {
        perPeer.merge(provider.id(), 1, Integer::sum);
      }
    }
    List<Multiaddr> addrs = provider.addrs().isEmpty() && old != null ? old.addrs() : provider.addrs();
    providers.put(provider.id(), new Entry(addrs, now + ttlNanos));
    return true;
  }

  /**
   * {@return up to {@code max} live providers of {@code key}, oldest first}
   *
   * @param key the key
   * @param max how many at most
   */
  public synchronized List<KadPeer> get(byte[] key, int max) {
    LinkedHashMap<PeerId, Entry> providers = byKey.get(ByteString.copyFrom(key));
    List<KadPeer> out = new ArrayList<>();
    if (providers == null) {
      return out;
    }
    long now = clock.getAsLong();
    for (Iterator<Map.Entry<PeerId, Entry>> it = providers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<PeerId, Entry> e = it.next();
      if (e.getValue().expiresNanos() - now <= 0) {
        it.remove();
        dropped(e.getKey());
      } else if (out.size() < max) {
        out.add(new KadPeer(e.getKey(), e.getValue().addrs()));
      }
    }
    if (providers.isEmpty()) {
      byKey.remove(ByteString.copyFrom(key));
    }
    return out;
  }

  /** {@return entries held, expired ones not yet dropped included} */
  public synchronized int size() {
    return entries;
  }

  /** Drops expired entries (go runs this every hour). */
  public synchronized void expire() {
    expire(clock.getAsLong());
  }

  private void expire(long now) {
    for (Iterator<LinkedHashMap<PeerId, Entry>> keys = byKey.values().iterator(); keys.hasNext(); ) {
      LinkedHashMap<PeerId, Entry> providers = keys.next();
      for (Iterator<Map.Entry<PeerId, Entry>> it = providers.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<PeerId, Entry> e = it.next();
        if (e.getValue().expiresNanos() - now <= 0) {
          it.remove();
          dropped(e.getKey());
        }
      }
      if (providers.isEmpty()) {
        keys.remove();
      }
    }
  }

  private void dropped(PeerId provider) {
    entries--;
    perPeer.computeIfPresent(provider, (p, n) -> n <= 1 ? null : n - 1);
  }
}
