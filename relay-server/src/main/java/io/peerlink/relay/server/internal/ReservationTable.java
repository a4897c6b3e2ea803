package io.peerlink.relay.server.internal;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.ReservationInfo;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The relay's reservations: one per peer, bounded in total and per IP address, each lapsing at its
 * expiry unless refreshed by a new RESERVE, and dropped when the connection it was made on closes.
 *
 * <p>A refresh replaces the peer's existing entry before the limits are checked (as go does), so a
 * peer at the limit can always renew its own slot. Thread-safe (reservations arrive on many event
 * loops; the rate is low, so one lock is enough).
 */
public final class ReservationTable {

  /** Why a reservation was refused. */
  public enum Refusal {
    /** {@link RelayLimiter#maxReservations()} reached. */
    TOTAL,
    /** {@link RelayLimiter#maxReservationsPerIp()} reached for the peer's IP address. */
    PER_IP,
    /** The peer's address has no IP address to count it by. */
    NO_IP
  }

  /**
   * One reservation. {@code owner} is the connection it was made on: the entry goes when that
   * connection closes, unless a refresh on another connection took it over.
   */
  public record Entry(PeerId peer, Multiaddr address, InetAddress ip, Instant expires, Object owner) {
    public ReservationInfo info() {
      return new ReservationInfo(peer, address, expires);
    }
  }

  /** The outcome of {@link #reserve}: an entry (and whether it renewed one), or a refusal. */
  public record Outcome(Entry entry, boolean renewal, Refusal refusal) {
    public boolean accepted() {
      return entry != null;
    }
  }

  private final int maxTotal;
  private final int maxPerIp;
  private final Map<PeerId, Entry> byPeer = new LinkedHashMap<>();
  private final Map<InetAddress, Integer> perIp = new HashMap<>();

  public ReservationTable(RelayLimiter limiter) {
    this.maxTotal = limiter.maxReservations();
    this.maxPerIp = limiter.maxReservationsPerIp();
  }

  /**
   * Reserves (or refreshes) a slot for {@code peer} until {@code expires}. Expired entries are
   * dropped first, so they never count against the limits.
   */
  public synchronized Outcome reserve(PeerId peer, Multiaddr address, InetAddress ip, Instant expires,
      Object owner, Instant now) {
    expire(now);
    Entry previous = byPeer.remove(peer);
    if (previous != null) {
      decrement(previous.ip());
    }
    if (ip == null) {
      return new Outcome(null, false, Refusal.NO_IP);
    }
    if (maxTotal > 0 && byPeer.size() >= maxTotal) {
      return new Outcome(null, false, Refusal.TOTAL);
    }
    if (maxPerIp > 0 && perIp.getOrDefault(ip, 0) >= maxPerIp) {
      return new Outcome(null, false, Refusal.PER_IP);
    }
    Entry entry = new Entry(peer, address, ip, expires, owner);
    byPeer.put(peer, entry);
    perIp.merge(ip, 1, Integer::sum);
    return new Outcome(entry, previous != null, null);
  }

  /** The peer's reservation if it has one that has not expired at {@code now}. */
  public synchronized Optional<Entry> active(PeerId peer, Instant now) {
    Entry e = byPeer.get(peer);
    return e != null && !now.isAfter(e.expires()) ? Optional.of(e) : Optional.empty();
  }

  /** Removes the peer's reservation if it still belongs to {@code owner}; returns whether it did. */
  public synchronized boolean remove(PeerId peer, Object owner) {
    Entry e = byPeer.get(peer);
    if (e == null || e.owner() != owner) {
      return false;
    }
    byPeer.remove(peer);
    decrement(e.ip());
    return true;
  }

  /** Removes the peer's reservation whoever owns it (for example when a voucher delivery failed). */
  public synchronized boolean remove(Entry entry) {
    if (byPeer.get(entry.peer()) != entry) {
      return false;
    }
    byPeer.remove(entry.peer());
    decrement(entry.ip());
    return true;
  }

  /** Drops every entry expired at {@code now} (expiry strictly before {@code now}) and returns them. */
  public synchronized List<Entry> expire(Instant now) {
    List<Entry> gone = new ArrayList<>();
    for (Iterator<Entry> it = byPeer.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (now.isAfter(e.expires())) {
        it.remove();
        decrement(e.ip());
        gone.add(e);
      }
    }
    return gone;
  }

  /** Drops everything and returns what was there. */
  public synchronized List<Entry> clear() {
    List<Entry> all = new ArrayList<>(byPeer.values());
    byPeer.clear();
    perIp.clear();
    return all;
  }

  /** How many reservations are held (expired ones included until swept). */
  public synchronized int size() {
    return byPeer.size();
  }

  /** How many reservations count against {@code ip}. */
  public synchronized int countForIp(InetAddress ip) {
    return perIp.getOrDefault(ip, 0);
  }

  /** A copy of the current entries. */
  public synchronized List<ReservationInfo> snapshot() {
    List<ReservationInfo> out = new ArrayList<>(byPeer.size());
    for (Entry e : byPeer.values()) {
      out.add(e.info());
    }
    return out;
  }

  private void decrement(InetAddress ip) {
    if (ip != null) {
      perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }
  }
}
