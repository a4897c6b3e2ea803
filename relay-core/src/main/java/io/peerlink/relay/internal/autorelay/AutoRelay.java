package io.peerlink.relay.internal.autorelay;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.AutoRelayConfig;
import io.peerlink.relay.CandidateSource;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.HostTimer;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.internal.client.ReservationWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a peer that cannot be dialed directly reachable through relays: between
 * {@link AutoRelayConfig#minRelays()} and {@link AutoRelayConfig#maxRelays()} Circuit Relay v2
 * reservations, held on the best relays it knows, replaced as soon as one is lost.
 *
 * <pre>{@code
 * AutoRelay auto = AutoRelay.create(RelayClient.create(listener), listener, AutoRelayConfig.defaults());
 * auto.addSource(CandidateSource.of(List.of(relayA, relayB, relayC)));
 * auto.addPreferredRelay(ourOwnRelay);
 * auto.start();
 * }</pre>
 *
 * <p><b>What it does.</b> {@link #start()} asks the {@link CandidateSource}s and vets every
 * candidate ({@link CandidateVetter}: a direct connection, identify listing the hop protocol, one
 * ping for the RTT). Once all are vetted (or {@link AutoRelayConfig#bootDelay()} has passed) it
 * reserves: on every preferred relay (up to maxRelays), then on the others, best first
 * ({@link RelaySelection}: preferred, then RTT, then fewest refusals), until it holds minRelays. A
 * relay that refuses, cannot be reached or lacks hop is blacklisted for
 * {@link AutoRelayConfig#blacklistDuration()} and retried after that ({@link Blacklist}). A relay
 * whose connection closes or whose refresh fails is dropped and replaced at once from the vetted
 * candidates; when those run short the sources are asked again ({@link CandidateSources}). The
 * {@link RelayClient} refreshes reservations before they expire; AutoRelay watches it. Our relayed
 * addresses (in identify answers through the client, and reported as {@code relayAddressesChanged}
 * events) follow the relays held ({@link ReservationSet}). Selections, drops and the blacklist are
 * reported as events too.
 *
 * <p><b>This class</b> is the coordinator: it owns the life cycle ({@link AutoRelayState}), takes
 * every event (a source's answer, a vetting or reservation result, a loss, a timer) and decides
 * what to vet, reserve or ask next; the parts named above keep the state. Thread-safe: the parts'
 * state is touched only under this object's lock. Timers and answers run on one of the host's
 * event loops.
 */
public final class AutoRelay {
  private static final Logger log = LoggerFactory.getLogger(AutoRelay.class);

  private final RelayClient client;
  private final Host core;
  private final AutoRelayConfig config;
  private final HostTimer timer;
  private final CandidateSources sources;
  private final CandidateVetter vetter;
  private final Reserver reserver;
  private final ReservationWatcher watch = new ReservationWatcher() {
    @Override
    public void reserved(Reservation r) {
      onReserved(r);
    }

    @Override
    public void reservationLost(PeerId relay, Throwable cause) {
      onLost(relay, "lost: " + String.valueOf(cause.getMessage()), cause);
    }
  };

  // Guarded by this.
  private final Candidates candidates;
  private final Blacklist blacklist;
  private final ReservationSet reservations;
  private AutoRelayState state = AutoRelayState.NEW;
  private ScheduledFuture<?> tick;
  private ScheduledFuture<?> bootTimer;

  private AutoRelay(RelayClient client, Host core, AutoRelayConfig config) {
    this.client = Objects.requireNonNull(client, "client");
    this.core = Objects.requireNonNull(core, "core");
    this.config = Objects.requireNonNull(config, "config");
    this.timer = HostTimer.of(core);
    this.sources = new CandidateSources(timer.executor());
    this.vetter = new CandidateVetter(core, config.vettingTimeout());
    this.reserver = new Reserver(client, config.reservationTimeout(), this::lateReservation);
    this.candidates = new Candidates(config.maxCandidates());
    this.blacklist = new Blacklist(config.blacklistDuration(), config.clock(), core::emit, timer, this::blacklistTimeUp);
    this.reservations = new ReservationSet(config.minRelays(), client::cancelReservation, core::emit);
  }

  /**
   * An AutoRelay for the host of {@code host}, reserving through {@code client} (the host's relay
   * client). Nothing happens until {@link #start()}.
   *
   * @param client the relay client to reserve with
   * @param host the listener whose connections are watched
   * @param config the settings
   * @return the AutoRelay, not yet started
   */
  public static AutoRelay create(RelayClient client, Listener host, AutoRelayConfig config) {
    return new AutoRelay(client, Host.of(host), config);
  }

  /** {@return the settings} */
  public AutoRelayConfig config() {
    return config;
  }

  /**
   * Adds a source of candidates; asked at start and whenever candidates run short.
   *
   * @param source the candidate source
   */
  public void addSource(CandidateSource source) {
    Objects.requireNonNull(source, "source");
    sources.add(source);
    synchronized (this) {
      if (state.started()) {
        source.watch(this::newCandidatesAvailable);
        sources.mayHaveMore();
        fill();
      }
    }
  }

  /**
   * Adds a relay candidate ({@code <transport>/p2p/<relay id>}). A known relay keeps its state
   * (its address is updated). Ignored once {@link AutoRelayConfig#maxCandidates()} are known.
   *
   * @param relay the relay's multiaddr
   * @throws IllegalArgumentException if the address does not name a relay
   */
  public void addCandidate(Multiaddr relay) {
    add(relay, false);
  }

  /**
   * Adds a preferred relay: reserved before any other (all preferred relays are held, up to
   * {@link AutoRelayConfig#maxRelays()}), and never dropped to make room. A known candidate
   * becomes preferred.
   *
   * @param relay the relay's multiaddr
   * @throws IllegalArgumentException if the address does not name a relay
   */
  public void addPreferredRelay(Multiaddr relay) {
    add(relay, true);
  }

  private void add(Multiaddr relay, boolean preferred) {
    Objects.requireNonNull(relay, "relay");
    if (relay.isRelayed() || relay.peerId().isEmpty() || relay.withoutPeerId().components().isEmpty()) {
      throw new IllegalArgumentException("a relay address is <transport>/p2p/<relay id>, not " + relay);
    }
    PeerId id = relay.peerId().get();
    if (id.equals(client.peerId())) {
      return; // not our own relay
    }
    synchronized (this) {
      if (!candidates.offer(id, relay, preferred, reservations.holds(id))) {
        log.debug("candidate {} ignored: {} candidates known already", relay, config.maxCandidates());
        return;
      }
      if (state.started()) {
        fill();
      }
    }
  }

  // ------------------------------------------------------------------ start and stop

  /**
   * Starts: asks the sources, vets every candidate, and reserves once they are vetted or
   * {@link AutoRelayConfig#bootDelay()} has passed. Calling it again does nothing.
   *
   * @throws IllegalStateException if stopped
   */
  public void start() {
    synchronized (this) {
      AutoRelayState from = state;
      state = state.start();
      if (state == from) {
        return;
      }
      client.watch(watch);
      if (from == AutoRelayState.NEW) {
        // Sources are watched once: they stay watched through a suspend, and a resume must not
        // hand them a second callback.
        sources.watchAll(this::newCandidatesAvailable);
      }
      bootTimer = timer.after(config.bootDelay(), () -> {
        synchronized (AutoRelay.this) {
          endBoot("boot delay passed");
        }
      });
      tick = timer.every(config.refreshInterval(), this::tick);
      querySources();
      vetAll();
      checkBoot();
    }
  }

  /**
   * Stops: no more reservations or refreshes, every reservation this AutoRelay held is cancelled
   * (its addresses are no longer announced; listeners get {@code addressesChanged([])}), and the
   * direct connections to those relays (and to candidates it dialed) are closed, so the relays
   * free the slots, except those that carry a relayed connection of ours (closing them would cut
   * it; the relay drops such a reservation at its expiry). Completes once those connections are
   * closed. Calling it again returns at once.
   *
   * @return a future that completes once every reservation is cancelled
   */
  public CompletableFuture<Void> stop() {
    CompletableFuture<Void> released;
    synchronized (this) {
      if (state == AutoRelayState.STOPPED) {
        return CompletableFuture.completedFuture(null);
      }
      state = state.stop();
      released = release();
    }
    sources.closeAll();
    return released;
  }

  /**
   * Pauses: releases what {@link #stop()} releases (reservations, their addresses, the relay
   * connections), but the candidate sources stay and {@link #start()} resumes. The Manager
   * suspends AutoRelay while AutoNAT finds the peer publicly reachable, and resumes it when that
   * ends. Does nothing unless running.
   *
   * @return a future that completes once the reservations are released
   */
  public CompletableFuture<Void> suspend() {
    synchronized (this) {
      if (!state.started()) {
        return CompletableFuture.completedFuture(null);
      }
      state = state.suspend();
      return release();
    }
  }

  /** Cancels timers and reservations and closes the relay connections; holds the lock. */
  private CompletableFuture<Void> release() {
    client.unwatch(watch);
    HostTimer.cancel(tick);
    HostTimer.cancel(bootTimer);
    blacklist.cancelWakeUps();
    Set<PeerId> held = reservations.cancelAll();
    // Once stopped, a vetting dial that completes later is closed at once; after a suspend the
    // next release closes it.
    Set<Peer> dialed = vetter.takeDialed(state == AutoRelayState.STOPPED);
    CompletableFuture<Void> closed = RelayConnections.release(core, dialed, held);
    reservations.reportAddresses();
    return closed;
  }

  // ------------------------------------------------------------------ queries

  /** {@return the relays held now: preferred first, then by measured RTT} */
  public synchronized List<ActiveRelay> activeRelays() {
    return reservations.ranked();
  }

  /** {@return our relayed addresses through the active relays} */
  public synchronized List<Multiaddr> relayAddresses() {
    return reservations.addresses();
  }

  /**
   * The relay AutoRelay would reserve on next: the best candidate that is not held, not being
   * reserved and not blacklisted (preferred first, then measured RTT, then fewest refusals).
   *
   * @return the relay that would be reserved on next, if any
   */
  public synchronized Optional<Multiaddr> selectRelay() {
    List<CandidateState> order = candidates.usable(reservations.relays(), config.clock().instant());
    return order.isEmpty() ? Optional.empty() : Optional.of(order.get(0).addr);
  }

  /** {@return relays skipped now, with the time each is skipped until} */
  public synchronized Map<PeerId, Instant> blacklist() {
    return blacklist.current(candidates.all());
  }

  /**
   * Refreshes every held reservation now (the client also does so before expiry on its own).
   * Completes with the active relays afterwards; a relay whose refresh fails is dropped, reported
   * lost and replaced.
   *
   * @return a future that completes with the relays held after the refresh
   */
  public CompletableFuture<List<ActiveRelay>> refreshReservations() {
    List<CompletableFuture<?>> all = new ArrayList<>();
    synchronized (this) {
      for (ActiveRelay a : reservations.inOrderAdded()) {
        PeerId id = a.relay();
        all.add(client.reserve(a.relayAddr()).handle((r, err) -> {
          if (err != null) {
            client.cancelReservation(id);
            onLost(id, "refresh failed: " + PeerException.wrap(err, PeerError.IO).getMessage(), err);
          }
          return null;
        }));
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> activeRelays());
  }

  // ------------------------------------------------------------------ the work (all under this)

  private void newCandidatesAvailable() {
    synchronized (this) {
      if (!state.started()) {
        return;
      }
      sources.mayHaveMore();
      querySources();
    }
  }

  private void querySources() {
    if (state == AutoRelayState.STOPPED) {
      return;
    }
    sources.ask(Math.max(config.minRelays(), config.maxRelays()), this::answered);
  }

  private void answered(List<Multiaddr> found, Throwable err) {
    synchronized (this) {
      sources.answered();
      if (state == AutoRelayState.STOPPED) {
        return;
      }
      int before = candidates.size();
      if (err != null) {
        log.debug("a candidate source failed: {}", err.toString());
      } else {
        for (Multiaddr a : found) {
          try {
            add(a, false);
          } catch (IllegalArgumentException e) {
            log.debug("a candidate source gave a non-relay address {}", a);
          }
        }
      }
      // Adding may have started the next round already; then that round's last answer ends it.
      if (!sources.asking()) {
        sources.roundEnded(candidates.size() != before);
        vetAll();
        checkBoot();
        fill();
      }
    }
  }

  /** Vets every candidate that is neither vetted, being vetted, held, nor blacklisted. */
  private void vetAll() {
    for (CandidateState c : candidates.toVet(reservations.relays(), config.clock().instant())) {
      vet(c);
    }
  }

  private void vet(CandidateState c) {
    c.vetting = true;
    vetter.vet(c.id, c.addr).whenCompleteAsync((rtt, err) -> vetted(c, rtt, err), timer.executor());
  }

  private void vetted(CandidateState c, Duration rtt, Throwable err) {
    synchronized (this) {
      c.vetting = false;
      if (state == AutoRelayState.STOPPED) {
        return;
      }
      if (err != null) {
        Throwable cause = vetter.rejection(c.addr, err);
        log.debug("candidate {} failed vetting: {}", c.addr, cause.toString());
        c.rejected();
        blacklist.add(c, cause);
      } else {
        c.accepted(rtt);
        log.debug("candidate {} vetted, rtt {}", c.addr, rtt);
      }
      checkBoot();
      fill();
    }
  }

  /** Ends the boot once no source is being asked and no candidate is being vetted. */
  private void checkBoot() {
    if (state != AutoRelayState.BOOTING || sources.asking() || candidates.anyVetting()) {
      return;
    }
    endBoot("every candidate vetted");
  }

  private void endBoot(String why) {
    AutoRelayState next = state.bootEnded();
    if (next == state) {
      return;
    }
    state = next;
    HostTimer.cancel(bootTimer);
    log.debug("AutoRelay reserving: {}", why);
    fill();
  }

  /**
   * Reserves where slots are free: every usable preferred relay up to maxRelays, then the best
   * others up to minRelays. Vets what is not vetted; asks the sources when short.
   */
  private void fill() {
    if (!state.reserving()) {
      return;
    }
    Instant now = config.clock().instant();
    int slots = reservations.size() + candidates.reservingCount();
    int usable = 0;
    for (CandidateState c : candidates.usable(reservations.relays(), now)) {
      int limit = c.preferred ? config.maxRelays() : config.minRelays();
      if (slots >= limit) {
        if (c.preferred) {
          continue;
        }
        break;
      }
      if (c.vetting) {
        usable++;
        continue;
      }
      if (!c.vetted) {
        vet(c);
        usable++;
        continue;
      }
      reserve(c);
      slots++;
    }
    if (slots + usable < config.minRelays() && !sources.exhausted()) {
      querySources();
    }
  }

  private void reserve(CandidateState c) {
    c.reserving = true;
    Multiaddr addr = c.addr;
    reserver.reserve(addr).whenCompleteAsync((r, err) -> reserveDone(c, addr, r, err), timer.executor());
  }

  private void reserveDone(CandidateState c, Multiaddr addr, Reservation r, Throwable err) {
    synchronized (this) {
      c.reserving = false;
      if (state == AutoRelayState.STOPPED) {
        if (r != null) {
          client.cancelReservation(r.relay());
        }
        return;
      }
      if (err != null) {
        Throwable cause = reserver.failure(addr, err);
        c.reservationFailed(cause);
        log.debug("reserving on {} failed: {}", addr, cause.toString());
        blacklist.add(c, cause);
        fill();
        return;
      }
      if (client.reservation(r.relay()).isEmpty()) {
        // Lost between the answer and now (the relay connection closed): look again.
        c.vetted = false;
        fill();
        return;
      }
      c.reserved();
      log.debug("reserved on {} until {}", r.relay(), r.expiration());
      reservations.add(r, c.preferred, c.rtt);
      fill();
    }
  }

  /** A reservation granted after its attempt timed out is nobody's: let it go, unless held since. */
  private void lateReservation(Reservation late) {
    synchronized (this) {
      if (!reservations.holds(late.relay())) {
        client.cancelReservation(late.relay());
      }
    }
  }

  /** A blacklisted relay's time is up: it may be reserved on again. */
  private void blacklistTimeUp() {
    synchronized (this) {
      fill();
    }
  }

  private void onReserved(Reservation r) {
    synchronized (this) {
      if (state != AutoRelayState.STOPPED) {
        reservations.refreshed(r);
      }
    }
  }

  private void onLost(PeerId relay, String reason, Throwable cause) {
    synchronized (this) {
      if (state == AutoRelayState.STOPPED || !reservations.lost(relay, reason, cause)) {
        return;
      }
      log.debug("relay {} {}", relay, reason);
      candidates.lost(relay);
      sources.mayHaveMore();
      fill();
    }
  }

  /** The periodic check: drops what the client lost, re-measures the relays held, fills gaps. */
  private void tick() {
    List<ActiveRelay> toPing;
    synchronized (this) {
      if (state == AutoRelayState.STOPPED) {
        return;
      }
      sources.mayHaveMore();
      for (PeerId id : List.copyOf(reservations.relays())) {
        if (client.reservation(id).isEmpty()) {
          onLost(id, "lost: the relay client no longer holds it", null);
        }
      }
      toPing = reservations.inOrderAdded();
      reservations.trim();
      vetAll();
      fill();
    }
    for (ActiveRelay a : toPing) {
      vetter.remeasure(a.relay(), rtt -> measured(a.relay(), rtt));
    }
  }

  private synchronized void measured(PeerId relay, Duration rtt) {
    candidates.measured(relay, rtt);
    reservations.measured(relay, rtt);
  }
}
