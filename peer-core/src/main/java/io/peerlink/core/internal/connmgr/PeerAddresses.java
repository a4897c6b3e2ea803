package io.peerlink.core.internal.connmgr;

import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One peer's addresses and when each expires. An address is either held until a time, or
 * <em>connected</em>: announced by the peer or dialed by us while a connection to it is open, held
 * with no expiry until the last connection closes (go-libp2p's {@code ConnectedAddrTTL}). Thread-safe
 * (every method locks the table).
 */
final class PeerAddresses {
  /** When an address expires; {@code connected} ones have no expiry while the peer is connected. */
  private record Entry(Instant expiry, boolean connected) {}

  private final int maxAddresses;
  private final LinkedHashMap<Multiaddr, Entry> entries = new LinkedHashMap<>();

  PeerAddresses(int maxAddresses) {
    this.maxAddresses = maxAddresses;
  }

  /** {@code now + ttl}, saturating at {@link Instant#MAX} for permanent addresses. */
  static Instant expiry(Instant now, Duration ttl) {
    Duration room = Duration.between(now, Instant.MAX);
    return ttl.compareTo(room) >= 0 ? Instant.MAX : now.plus(ttl);
  }

  /** Adds with an expiry; an address held longer (or connected) keeps what it has. */
  synchronized void add(List<Multiaddr> addrs, Instant expiry, Instant now) {
    dropExpired(now);
    for (Multiaddr a : addrs) {
      Entry e = entries.get(a);
      if (e == null) {
        if (entries.size() < maxAddresses) {
          entries.put(a, new Entry(expiry, false));
        }
      } else if (!e.connected() && e.expiry().isBefore(expiry)) {
        entries.put(a, new Entry(expiry, false));
      }
    }
  }

  /**
   * The peer announced {@code addrs}: the connected addresses it no longer announces go, the new
   * ones become connected. go-libp2p does the same in three steps (connected addresses down to a
   * temporary TTL, the new ones added as connected, temporary ones expired).
   */
  synchronized void replaceConnected(List<Multiaddr> addrs, Instant now) {
    dropExpired(now);
    entries.values().removeIf(Entry::connected);
    for (Multiaddr a : addrs) {
      if (entries.containsKey(a) || entries.size() < maxAddresses) {
        entries.put(a, new Entry(Instant.MAX, true));
      }
    }
  }

  /** One address we are connected at. */
  synchronized void addConnected(Multiaddr a, Instant now) {
    dropExpired(now);
    if (entries.containsKey(a) || entries.size() < maxAddresses) {
      entries.put(a, new Entry(Instant.MAX, true));
    }
  }

  /**
   * The peer's last connection closed: at most {@code keep} connected addresses ({@code first}
   * ahead of the others) now expire at {@code expiry}; the rest of them go.
   */
  synchronized void disconnected(Multiaddr first, Instant expiry, int keep) {
    List<Multiaddr> connected = new ArrayList<>();
    for (Map.Entry<Multiaddr, Entry> e : entries.entrySet()) {
      if (e.getValue().connected()) {
        connected.add(e.getKey());
      }
    }
    if (first != null && connected.remove(first)) {
      connected.add(0, first);
    }
    for (int i = 0; i < connected.size(); i++) {
      Multiaddr a = connected.get(i);
      if (i < keep) {
        entries.put(a, new Entry(expiry, false));
      } else {
        entries.remove(a);
      }
    }
  }

  /** The unexpired addresses, in the order first added. */
  synchronized List<Multiaddr> live(Instant now) {
    dropExpired(now);
    return List.copyOf(entries.keySet());
  }

  /** Whether any address is held as connected (the peer has a connection open). */
  synchronized boolean connected() {
    return entries.values().stream().anyMatch(Entry::connected);
  }

  /** The latest expiry of any address ({@link Instant#MAX} for connected or permanent ones). */
  synchronized Instant latestExpiry() {
    Instant latest = Instant.MIN;
    for (Entry e : entries.values()) {
      latest = e.expiry().isAfter(latest) ? e.expiry() : latest;
    }
    return latest;
  }

  private void dropExpired(Instant now) {
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (!e.connected() && !e.expiry().isAfter(now)) {
        it.remove();
      }
    }
  }
}
