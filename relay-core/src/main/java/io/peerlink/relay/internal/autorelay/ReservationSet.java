package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.EventListener;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Reservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The relays AutoRelay holds a reservation on, and the relayed addresses they give us. A relay
 * added is reported ({@code relayAdded}); one lost is removed and reported ({@code relayDropped})
 * so AutoRelay can reserve a replacement; a refresh replaces the reservation in place. Plain
 * relays held beyond {@code minRelays} (a preferred relay took their place) are trimmed, slowest
 * first. Each change of our relayed addresses is reported once ({@code relayAddressesChanged}).
 *
 * <p>Not thread-safe: AutoRelay calls it under its lock.
 */
final class ReservationSet {
  /** Preferred first, then by measured round trip, unmeasured last. */
  private static final Comparator<ActiveRelay> RANK = Comparator.comparing((ActiveRelay a) -> !a.preferred())
      .thenComparing(ActiveRelay::rtt, Comparator.nullsLast(Comparator.<Duration>naturalOrder()));

  private final int minRelays;
  private final Consumer<PeerId> cancel;
  private final Consumer<Consumer<EventListener>> events;
  private final Map<PeerId, ActiveRelay> active = new LinkedHashMap<>();
  private List<Multiaddr> addresses = List.of();

  /**
   * An empty set.
   *
   * @param minRelays plain relays held beyond this many are trimmed
   * @param cancel cancels a reservation with the relay client (for a trimmed relay, and on release)
   * @param events where the changes are reported
   */
  ReservationSet(int minRelays, Consumer<PeerId> cancel, Consumer<Consumer<EventListener>> events) {
    this.minRelays = minRelays;
    this.cancel = cancel;
    this.events = events;
  }

  /** {@return whether a reservation on {@code relay} is held} */
  boolean holds(PeerId relay) {
    return active.containsKey(relay);
  }

  /** {@return how many relays are held} */
  int size() {
    return active.size();
  }

  /** {@return the relays held, as a read-only view} */
  Set<PeerId> relays() {
    return Collections.unmodifiableSet(active.keySet());
  }

  /** {@return the relays held, in the order they were added} */
  List<ActiveRelay> inOrderAdded() {
    return List.copyOf(active.values());
  }

  /** {@return the relays held: preferred first, then by measured round trip} */
  List<ActiveRelay> ranked() {
    List<ActiveRelay> out = new ArrayList<>(active.values());
    out.sort(RANK);
    return out;
  }

  /** {@return our relayed addresses through the relays held, as last reported} */
  List<Multiaddr> addresses() {
    return addresses;
  }

  /**
   * Holds a new reservation: reports it and the addresses, then trims plain relays beyond
   * {@code minRelays}.
   *
   * @param r the reservation
   * @param preferred whether the relay is preferred (never trimmed)
   * @param rtt the round trip measured when vetting it, or null
   */
  void add(Reservation r, boolean preferred, Duration rtt) {
    active.put(r.relay(), new ActiveRelay(r, preferred, rtt));
    events.accept(l -> l.relayAdded(r.relay(), r.addrs(), r.expiration()));
    reportAddresses();
    trim();
  }

  /**
   * Takes a refreshed reservation in place of the one held (the relay may give other addresses).
   * Ignored for a relay not held, or for the very reservation held.
   *
   * @param r the reservation the relay client now holds
   */
  void refreshed(Reservation r) {
    ActiveRelay a = active.get(r.relay());
    if (a == null || a.reservation() == r) {
      return;
    }
    active.put(r.relay(), new ActiveRelay(r, a.preferred(), a.rtt()));
    reportAddresses();
  }

  /**
   * Removes a relay whose reservation was lost, and reports it with the addresses.
   *
   * @param relay the relay
   * @param reason why, in words
   * @param cause the failure, or null
   * @return whether the relay was held
   */
  boolean lost(PeerId relay, String reason, Throwable cause) {
    if (active.remove(relay) == null) {
      return false;
    }
    PeerException error = cause == null ? null : PeerException.wrap(cause, PeerError.IO);
    events.accept(l -> l.relayDropped(relay, reason, error));
    reportAddresses();
    return true;
  }

  /**
   * Records a round trip measured to a relay held.
   *
   * @param relay the relay
   * @param rtt the round trip
   */
  void measured(PeerId relay, Duration rtt) {
    ActiveRelay a = active.get(relay);
    if (a != null) {
      active.put(relay, new ActiveRelay(a.reservation(), a.preferred(), rtt));
    }
  }

  /**
   * Drops plain relays held beyond {@code minRelays}, slowest (or unmeasured) first: they are
   * cancelled and reported. Preferred relays are never dropped, even beyond {@code minRelays}.
   */
  void trim() {
    while (active.size() > minRelays) {
      ActiveRelay worst = null;
      for (ActiveRelay a : active.values()) {
        if (!a.preferred() && (worst == null || slower(a, worst))) {
          worst = a;
        }
      }
      if (worst == null) {
        return;
      }
      PeerId id = worst.relay();
      active.remove(id);
      cancel.accept(id);
      events.accept(l -> l.relayDropped(id, "dropped: a preferred relay took its place", null));
      reportAddresses();
    }
  }

  /**
   * Cancels every reservation held and forgets them, without reporting yet: the caller reports
   * the empty addresses with {@link #reportAddresses()} once it has closed what it closes.
   *
   * @return the relays that were held
   */
  Set<PeerId> cancelAll() {
    Set<PeerId> held = new LinkedHashSet<>(active.keySet());
    for (PeerId id : held) {
      cancel.accept(id);
    }
    active.clear();
    return held;
  }

  /** Reports our relayed addresses if they differ from those last reported. */
  void reportAddresses() {
    LinkedHashSet<Multiaddr> all = new LinkedHashSet<>();
    for (ActiveRelay a : active.values()) {
      all.addAll(a.addrs());
    }
    List<Multiaddr> now = List.copyOf(all);
    if (!now.equals(addresses)) {
      addresses = now;
      events.accept(l -> l.relayAddressesChanged(now));
    }
  }

  /** Whether {@code a} ranks below {@code b}: an unmeasured round trip is the slowest. */
  private static boolean slower(ActiveRelay a, ActiveRelay b) {
    if (a.rtt() == null) {
      return b.rtt() != null;
    }
    return b.rtt() != null && a.rtt().compareTo(b.rtt()) > 0;
  }
}
