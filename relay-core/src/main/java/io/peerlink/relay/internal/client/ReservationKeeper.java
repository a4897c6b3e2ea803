package io.peerlink.relay.internal.client;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.RelayClientConfig;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.HostTimer;
import io.peerlink.relay.internal.ProtectionCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reservations a client holds, one per relay, and what keeps each alive: a refresh scheduled
 * before it expires ({@link RelayClientConfig#refreshSlack()}, at least
 * {@link RelayClientConfig#minRefreshInterval()} apart) as long as the connection to the relay
 * stays open. A failed refresh or a closed relay connection ends the reservation; the
 * {@link ReservationWatcher}s and the host's event listeners hear of every reservation made and
 * lost.
 *
 * <p>Thread-safe.
 */
final class ReservationKeeper {
  private static final Logger log = LoggerFactory.getLogger(ReservationKeeper.class);

  private final Host core;
  private final RelayClientConfig config;
  private final HostTimer timer;
  private final Function<Multiaddr, CompletableFuture<Reservation>> reserveAgain;
  private final Map<PeerId, Held> reservations = new ConcurrentHashMap<>();
  private final List<ReservationWatcher> watchers = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** One reservation and what keeps it alive. */
  private static final class Held {
    final Reservation reservation;
    final Peer relay;
    ScheduledFuture<?> refresh;

    Held(Reservation reservation, Peer relay) {
      this.reservation = reservation;
      this.relay = relay;
    }
  }

  /**
   * @param core the host: where refreshes are scheduled and events go
   * @param config the client's settings
   * @param reserveAgain reserves on a relay address again, for a refresh (it stores the result)
   */
  ReservationKeeper(Host core, RelayClientConfig config,
      Function<Multiaddr, CompletableFuture<Reservation>> reserveAgain) {
    this.core = core;
    this.config = config;
    this.timer = HostTimer.of(core);
    this.reserveAgain = reserveAgain;
  }

  void watch(ReservationWatcher watcher) {
    watchers.add(watcher);
  }

  void unwatch(ReservationWatcher watcher) {
    watchers.remove(watcher);
  }

  /**
   * Holds {@code r}, made over {@code conn} (replacing the one held on the same relay), schedules
   * its refresh and tells the watchers and event listeners.
   *
   * @param r the reservation
   * @param conn the connection to the relay it was made on
   */
  void store(Reservation r, Peer conn) {
    Held held = new Held(r, conn);
    Held old = reservations.put(r.relay(), held);
    boolean renewal = old != null;
    if (old == null) {
      // A connection manager must not close the connection that holds the reservation.
      core.protect(r.relay(), ProtectionCounts.RELAY_RESERVATION);
    }
    if (old != null) {
      cancel(old);
    }
    if (closed) {
      if (reservations.remove(r.relay(), held)) {
        core.unprotect(r.relay(), ProtectionCounts.RELAY_RESERVATION);
      }
      return;
    }
    if (old == null || old.relay != conn) {
      conn.closeFuture().whenComplete((v, e) -> {
        Held h = reservations.get(r.relay());
        if (h != null && h.relay == conn && reservations.remove(r.relay(), h)) {
          cancel(h);
          core.unprotect(r.relay(), ProtectionCounts.RELAY_RESERVATION);
          lost(r.relay(), new PeerException(PeerError.IO, "the connection to relay " + r.relay() + " closed"));
        }
      });
    }
    Instant now = config.clock().instant();
    Duration left = Duration.between(now, r.expiration());
    Duration slack = config.refreshSlack();
    if (slack.compareTo(left.dividedBy(2)) > 0) {
      slack = left.dividedBy(2);
    }
    Duration wait = left.minus(slack);
    if (wait.compareTo(config.minRefreshInterval()) < 0) {
      wait = config.minRefreshInterval();
    }
    held.refresh = timer.after(wait, () -> refresh(held));
    log.debug("reserved on {} until {}; refresh in {}", r.relay(), r.expiration(), wait);
    for (ReservationWatcher w : watchers) {
      try {
        w.reserved(r);
      } catch (RuntimeException e) {
        log.warn("reservation watcher threw", e);
      }
    }
    // After the watchers: whoever hears the event finds the relay service and AutoRelay up to date.
    core.emit(l -> l.reservationEnd(r.relay(), r.addrs(), r.expiration(), renewal));
  }

  private void refresh(Held held) {
    PeerId relay = held.reservation.relay();
    if (closed || reservations.get(relay) != held) {
      return;
    }
    reserveAgain.apply(held.reservation.relayAddr()).whenComplete((r, err) -> {
      if (err != null && reservations.remove(relay, held)) {
        core.unprotect(relay, ProtectionCounts.RELAY_RESERVATION);
        log.debug("refreshing the reservation on {} failed: {}", relay, err.toString());
        lost(relay, PeerException.wrap(err, PeerError.IO));
      }
    });
  }

  private void lost(PeerId relay, PeerException cause) {
    for (ReservationWatcher w : watchers) {
      try {
        w.reservationLost(relay, cause);
      } catch (RuntimeException e) {
        log.warn("reservation watcher threw", e);
      }
    }
    core.emit(l -> l.reservationLost(relay, cause));
  }

  private static void cancel(Held h) {
    HostTimer.cancel(h.refresh);
  }

  /** {@return the reservation held on {@code relay}, if any} */
  Optional<Reservation> reservation(PeerId relay) {
    Held h = reservations.get(relay);
    return h == null ? Optional.empty() : Optional.of(h.reservation);
  }

  /** {@return the reservations held now} */
  List<Reservation> reservations() {
    List<Reservation> out = new ArrayList<>();
    for (Held h : reservations.values()) {
      out.add(h.reservation);
    }
    return out;
  }

  /** Stops refreshing the reservation on {@code relay} and forgets it, telling no one. */
  void cancel(PeerId relay) {
    Held h = reservations.remove(relay);
    if (h != null) {
      cancel(h);
      core.unprotect(relay, ProtectionCounts.RELAY_RESERVATION);
    }
  }

  /** {@return our addresses through the relays we hold reservations on} */
  List<Multiaddr> relayedAddresses() {
    LinkedHashSet<Multiaddr> out = new LinkedHashSet<>();
    for (Held h : reservations.values()) {
      out.addAll(h.reservation.addrs());
    }
    return List.copyOf(out);
  }

  /** Cancels every reservation; reservations stored later are dropped at once. */
  void close() {
    closed = true;
    for (PeerId relay : List.copyOf(reservations.keySet())) {
      cancel(relay);
    }
  }
}
