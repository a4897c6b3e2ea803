package io.peerlink.relay.internal.client;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.RelayState;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.RelayServiceConfig;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.HostTimer;
import io.peerlink.relay.spi.RelayHopOptions;
import io.peerlink.relay.spi.RelayServerProvider;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one relay, set by address. States {@link RelayState#NONE} → {@code CONFIGURED}
 * ({@link #setRelay}) → {@code CONNECTING} ({@link #connect}) → {@code CONNECTED} (reserved), and
 * back to {@code NONE} ({@link #removeRelay}). A failed connect returns to {@code CONFIGURED} and
 * is retried after a backoff that doubles per failure; a dropped relay connection, or a failed
 * refresh, returns to {@code CONFIGURED} and reconnects the same way, so a relay that restarts is
 * recovered without the application doing anything.
 *
 * <pre>{@code
 * RelayService relay = RelayService.create(RelayClient.create(listener), listener, RelayServiceConfig.defaults());
 * relay.setRelay(Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/12D3KooW…"));
 * Reservation r = relay.connect().join();
 * }</pre>
 *
 * <p>{@link #enable()} makes this peer serve as a relay for others through a
 * {@link RelayServerProvider} (relay-server's, found with {@link ServiceLoader}). Every move is
 * reported as a {@code relayStateChanged} event. Thread-safe.
 */
public final class RelayService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RelayService.class);

  private final RelayClient client;
  private final Listener listener;
  private final RelayServiceConfig config;
  private final RelayServerProvider provider;
  private final HostTimer timer;
  private final ReservationWatcher reservationWatch = new ReservationWatcher() {
    @Override
    public void reservationLost(PeerId relay, Throwable cause) {
      dropped(relay, cause);
    }
  };

  // Guarded by this.
  private RelayState state = RelayState.NONE;
  private Multiaddr relay;
  private Reservation reservation;
  private CompletableFuture<Reservation> connecting;
  private ScheduledFuture<?> retry;
  private long generation;
  private int failures;
  private boolean wanted;
  private RelayServerProvider.RelayHop hop;
  private boolean closed;

  private RelayService(RelayClient client, Listener listener, RelayServiceConfig config, RelayServerProvider provider) {
    this.client = Objects.requireNonNull(client, "client");
    this.listener = listener;
    this.config = Objects.requireNonNull(config, "config");
    this.provider = provider;
    this.timer = HostTimer.of(client.host());
    client.watch(reservationWatch);
  }

  /**
   * A service over {@code client}. {@code listener} (may be null) is the host {@link #enable()}
   * serves the relay protocol on; the relay server is found with {@link ServiceLoader}.
   *
   * @param client the relay client to reserve and dial with
   * @param listener the host to serve as a relay from, or null
   * @param config the settings
   * @return the service
   */
  public static RelayService create(RelayClient client, Listener listener, RelayServiceConfig config) {
    return new RelayService(client, listener, config, null);
  }

  /**
   * As {@link #create(RelayClient, Listener, RelayServiceConfig)}, with the relay server given.
   *
   * @param client the relay client to reserve and dial with
   * @param listener the host to serve as a relay from, or null
   * @param config the settings
   * @param provider the relay server to serve with
   * @return the service
   */
  public static RelayService create(RelayClient client, Listener listener, RelayServiceConfig config,
      RelayServerProvider provider) {
    return new RelayService(client, listener, config, provider);
  }


  /** {@return the client underneath} */
  public RelayClient client() {
    return client;
  }

  /** {@return the current state} */
  public synchronized RelayState state() {
    return state;
  }

  /** {@return the relay set, if any} */
  public synchronized Optional<Multiaddr> relay() {
    return Optional.ofNullable(relay);
  }

  /** {@return the reservation while {@link RelayState#CONNECTED}} */
  public synchronized Optional<Reservation> reservation() {
    return state == RelayState.CONNECTED ? Optional.ofNullable(reservation) : Optional.empty();
  }

  /**
   * Sets the relay ({@code <transport>/p2p/<relay id>}); from {@code NONE} the state becomes
   * {@code CONFIGURED}. Replacing a relay drops the old one's reservation; if the service was
   * connected or connecting, it connects to the new relay at once. Setting the same relay again
   * changes nothing.
   *
   * @param relayAddr the relay's multiaddr, ending in {@code /p2p/<relay id>}
   * @throws IllegalArgumentException if the address does not name a relay
   */
  public void setRelay(Multiaddr relayAddr) {
    Objects.requireNonNull(relayAddr, "relayAddr");
    if (relayAddr.isRelayed() || relayAddr.peerId().isEmpty()) {
      throw new IllegalArgumentException("a relay address is <transport>/p2p/<relay id>, not " + relayAddr);
    }
    synchronized (this) {
      checkOpen();
      if (relayAddr.equals(relay)) {
        return;
      }
      Multiaddr old = relay;
      boolean reconnect = wanted && state != RelayState.NONE;
      abandon();
      relay = relayAddr;
      failures = 0;
      if (old != null) {
        client.cancelReservation(old.peerId().orElseThrow());
      }
      transition(RelayState.CONFIGURED, null, null, true);
      if (reconnect) {
        startConnect();
      }
    }
  }

  /** Forgets the relay: its reservation is cancelled, retries stop, and the state becomes {@code NONE}. */
  public void removeRelay() {
    synchronized (this) {
      if (relay == null) {
        return;
      }
      abandon();
      client.cancelReservation(relay.peerId().orElseThrow());
      wanted = false;
      failures = 0;
      transition(RelayState.NONE, null, null);
      relay = null;
    }
  }

  /**
   * Connects to the relay and reserves a slot: {@code CONFIGURED → CONNECTING → CONNECTED}.
   * Completes with the reservation; while connecting, returns the attempt under way; when
   * connected, the current reservation. A failure returns the state to {@code CONFIGURED} and,
   * unless reconnecting is off, schedules a retry after the backoff; the future fails with the cause.
   *
   * @throws IllegalStateException if no relay is set
   * @return a future that completes with the reservation
   */
  public synchronized CompletableFuture<Reservation> connect() {
    checkOpen();
    if (relay == null) {
      throw new IllegalStateException("no relay set: call setRelay first");
    }
    wanted = true;
    return switch (state) {
      case CONNECTED -> CompletableFuture.completedFuture(reservation);
      case CONNECTING -> connecting.copy();
      default -> startConnect().copy();
    };
  }

  /**
   * Dials {@code target} through the relay. Dialing needs no reservation of ours and makes none
   * (as in go and js: a reservation is for being reached, and a relay's slots are few): the
   * state stays as it is, {@link #connect()} is what reserves.
   *
   * @param target the peer to reach
   * @return a future that completes with the relayed connection
   * @throws IllegalStateException if no relay is set
   */
  public CompletableFuture<Peer> dialViaRelay(PeerId target) {
    Multiaddr via;
    synchronized (this) {
      checkOpen();
      if (relay == null) {
        throw new IllegalStateException("no relay set: call setRelay first");
      }
      via = relay;
    }
    return client.dial(via, target);
  }

  /** {@return our relayed address through the relay, while {@code CONNECTED}} */
  public synchronized List<Multiaddr> relayedAddresses() {
    return state == RelayState.CONNECTED && reservation != null ? reservation.addrs() : List.of();
  }

  /**
   * Makes this peer serve as a relay for others (the hop protocol, through relay-server). Does
   * nothing when already enabled.
   *
   * @throws IllegalStateException if the service was made without a listener, or no relay server
   *     is on the class path (add peerlink's relay-server module)
   */
  public synchronized void enable() {
    checkOpen();
    enable(RelayHopOptions.defaults());
  }

  /**
   * As {@link #enable()}, with options.
   *
   * @param options the hop options
   */
  public synchronized void enable(RelayHopOptions options) {
    checkOpen();
    if (hop != null) {
      return;
    }
    if (listener == null) {
      throw new IllegalStateException("serving as a relay needs the listener this service was made with");
    }
    RelayServerProvider p = provider != null ? provider
        : ServiceLoader.load(RelayServerProvider.class).findFirst().orElseThrow(() -> new IllegalStateException(
            "no relay server found: add the io.peerlink:relay-server module to the class path"));
    hop = p.serve(listener, options);
  }

  /**
   * Stops serving as a relay (open circuits drain, then are reset).
   *
   * @return a future that completes once the relay has stopped
   */
  public synchronized CompletableFuture<Void> disable() {
    RelayServerProvider.RelayHop h = hop;
    hop = null;
    return h == null ? CompletableFuture.completedFuture(null) : h.stop();
  }

  /** {@return whether this peer serves as a relay} */
  public synchronized boolean isEnabled() {
    return hop != null;
  }

  // ------------------------------------------------------------------ the machine (all under this)

  private CompletableFuture<Reservation> startConnect() {
    cancelRetry();
    long gen = ++generation;
    Multiaddr target = relay;
    CompletableFuture<Reservation> attempt = new CompletableFuture<>();
    connecting = attempt;
    transition(RelayState.CONNECTING, null, null);
    CompletableFuture<Reservation> reserve;
    try {
      reserve = client.reserve(target);
    } catch (RuntimeException e) {
      reserve = CompletableFuture.failedFuture(e);
    }
    reserve.whenComplete((r, err) -> finished(gen, target, r, err, attempt));
    return attempt;
  }

  private void finished(long gen, Multiaddr target, Reservation r, Throwable err, CompletableFuture<Reservation> attempt) {
    synchronized (this) {
      if (gen != generation || closed) {
        // Superseded (relay replaced or removed): the result is nobody's.
        if (r != null && !target.equals(relay)) {
          client.cancelReservation(r.relay());
        }
        attempt.completeExceptionally(new CancellationException("relay changed"));
        return;
      }
      connecting = null;
      if (err == null) {
        failures = 0;
        reservation = r;
        transition(RelayState.CONNECTED, null, null);
      } else {
        Throwable cause = err instanceof CompletionException && err.getCause() != null
            ? err.getCause() : err;
        log.debug("connecting to relay {} failed: {}", target, cause.toString());
        failures++;
        transition(RelayState.CONFIGURED, cause, scheduleRetry());
      }
    }
    if (err == null) {
      attempt.complete(r);
    } else {
      attempt.completeExceptionally(err);
    }
  }

  /** The client lost the reservation (relay connection closed, or a refresh failed). */
  private void dropped(PeerId relayId, Throwable cause) {
    synchronized (this) {
      if (closed || relay == null || !relay.peerId().orElseThrow().equals(relayId) || state != RelayState.CONNECTED) {
        return;
      }
      generation++;
      reservation = null;
      failures++;
      log.debug("relay {} dropped: {}", relayId, cause.toString());
      transition(RelayState.CONFIGURED, cause, scheduleRetry());
    }
  }

  /** Schedules a reconnect after the backoff; returns the wait, or null when none is scheduled. */
  private Duration scheduleRetry() {
    if (!config.reconnect() || !wanted) {
      return null;
    }
    Duration wait = backoff(failures);
    long gen = generation;
    retry = timer.after(wait, () -> {
      synchronized (RelayService.this) {
        if (gen != generation || closed || state != RelayState.CONFIGURED) {
          return;
        }
        retry = null;
        startConnect();
      }
    });
    return wait;
  }

  private Duration backoff(int failures) {
    Duration wait = config.initialBackoff();
    for (int i = 1; i < failures && wait.compareTo(config.maxBackoff()) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : wait;
  }

  /** Ends the attempt, retry and reservation of the current relay, without a transition. */
  private void abandon() {
    generation++;
    cancelRetry();
    if (connecting != null) {
      connecting.completeExceptionally(new CancellationException("relay changed"));
      connecting = null;
    }
    reservation = null;
  }

  private void cancelRetry() {
    HostTimer.cancel(retry);
    retry = null;
  }

  private void transition(RelayState to, Throwable cause, Duration retryIn) {
    transition(to, cause, retryIn, false);
  }

  /** {@code always}: report even without a change of state (a new relay in the same state). */
  private void transition(RelayState to, Throwable cause, Duration retryIn, boolean always) {
    RelayState from = state;
    state = to;
    if (from == to && cause == null && !always) {
      return;
    }
    Multiaddr at = relay;
    PeerException error = cause == null ? null : PeerException.wrap(cause, PeerError.IO);
    log.debug("relay {}: {} -> {}", at, from, to);
    client.host().emit(l -> l.relayStateChanged(from, to, at, error, retryIn));
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("relay service closed");
    }
  }

  /** Removes the relay and stops serving as one. The client stays open. */
  @Override
  public void close() {
    removeRelay();
    disable();
    synchronized (this) {
      closed = true;
    }
    client.unwatch(reservationWatch);
  }
}
