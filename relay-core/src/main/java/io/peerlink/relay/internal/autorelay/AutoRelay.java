package io.peerlink.relay.internal.autorelay;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.AutoRelayConfig;
import io.peerlink.relay.CandidateSource;
import io.peerlink.relay.Manager;
import io.peerlink.relay.RelayException;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.internal.client.ReservationWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p><b>State.</b> Candidates (with their vetting result, measured RTT and refusal count),
 * active relays (reservation and expiry), a blacklist with expiry, and the preferred relays.
 *
 * <p><b>What it does.</b> {@link #start()} asks the {@link CandidateSource}s and vets every
 * candidate: a direct connection, identify listing the hop protocol, one ping for the RTT. Once all
 * are vetted (or {@link AutoRelayConfig#bootDelay()} has passed) it reserves: on every preferred
 * relay (up to maxRelays), then on the others, best first ({@link RelaySelection}: preferred, then
 * RTT, then fewest refusals), until it holds minRelays. A relay that refuses, cannot be reached or
 * lacks hop is blacklisted for {@link AutoRelayConfig#blacklistDuration()} and retried after that.
 * A relay whose connection closes or whose refresh fails is dropped and replaced at once from the
 * vetted candidates; when those run short the sources are asked again. The {@link RelayClient}
 * refreshes reservations before they expire; AutoRelay watches it. Our relayed addresses (in
 * identify answers through the client, and reported as {@code relayAddressesChanged} events)
 * follow the active set. Selections, drops and the blacklist are reported as events too.
 *
 * <p>Thread-safe. Timers run on one of the host's event loops.
 */
public final class AutoRelay {
  private static final Logger log = LoggerFactory.getLogger(AutoRelay.class);

  private final RelayClient client;
  private final Host core;
  private final AutoRelayConfig config;
  private final EventExecutor loop;
  private final List<CandidateSource> sources = new CopyOnWriteArrayList<>();
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
  private final Map<PeerId, CandidateState> candidates = new LinkedHashMap<>();
  private final Map<PeerId, ActiveRelay> active = new LinkedHashMap<>();
  private final Set<Peer> dialed = new HashSet<>();
  private long seq;
  private boolean started;
  private boolean stopped;
  private boolean sourcesWatched;
  private boolean booting;
  private int querying;
  private boolean sourcesExhausted;
  private List<Multiaddr> lastAddrs = List.of();
  private ScheduledFuture<?> tick;
  private ScheduledFuture<?> bootTimer;
  private final Set<ScheduledFuture<?>> timers = new HashSet<>();

  private AutoRelay(RelayClient client, Host core, AutoRelayConfig config) {
    this.client = Objects.requireNonNull(client, "client");
    this.core = Objects.requireNonNull(core, "core");
    this.config = Objects.requireNonNull(config, "config");
    this.loop = core.eventLoops().next();
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
    return new AutoRelay(client, host.host(), config);
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
      if (started && !stopped) {
        source.watch(this::newCandidatesAvailable);
        sourcesExhausted = false;
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
      CandidateState c = candidates.get(id);
      if (c == null) {
        if (!preferred && nonPreferredCount() >= config.maxCandidates()) {
          log.debug("candidate {} ignored: {} candidates known already", relay, config.maxCandidates());
          return;
        }
        c = new CandidateState(id, relay, preferred, seq++);
        candidates.put(id, c);
      } else {
        if (!c.addr.equals(relay) && !active.containsKey(id)) {
          c.addr = relay;
        }
        c.preferred |= preferred;
      }
      if (started && !stopped) {
        fill();
      }
    }
  }

  private int nonPreferredCount() {
    int n = 0;
    for (CandidateState c : candidates.values()) {
      if (!c.preferred) {
        n++;
      }
    }
    return n;
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
      if (stopped) {
        throw new IllegalStateException("AutoRelay stopped");
      }
      if (started) {
        return;
      }
      started = true;
      booting = true;
      client.watch(watch);
      if (!sourcesWatched) {
        sourcesWatched = true;
        for (CandidateSource s : sources) {
          s.watch(this::newCandidatesAvailable);
        }
      }
      bootTimer = loop.schedule(() -> {
        synchronized (AutoRelay.this) {
          endBoot("boot delay passed");
        }
      }, config.bootDelay().toNanos(), TimeUnit.NANOSECONDS);
      long every = config.refreshInterval().toNanos();
      tick = loop.scheduleAtFixedRate(this::tick, every, every, TimeUnit.NANOSECONDS);
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
   * it; the relay drops such a reservation at its expiry). Completes once those connections are closed. Calling it again returns at once.
   *
   * @return a future that completes once every reservation is cancelled
   */
  public CompletableFuture<Void> stop() {
    CompletableFuture<Void> released;
    synchronized (this) {
      if (stopped) {
        return CompletableFuture.completedFuture(null);
      }
      stopped = true;
      released = release();
    }
    for (CandidateSource s : sources) {
      try {
        s.close();
      } catch (RuntimeException e) {
        log.warn("candidate source threw on close", e);
      }
    }
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
      if (stopped || !started) {
        return CompletableFuture.completedFuture(null);
      }
      started = false;
      return release();
    }
  }

  /** Cancels timers and reservations and closes the relay connections; holds the lock. */
  private CompletableFuture<Void> release() {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    client.unwatch(watch);
    cancel(tick);
    cancel(bootTimer);
    for (ScheduledFuture<?> t : timers) {
      t.cancel(false);
    }
    timers.clear();
    Set<PeerId> held = new HashSet<>(active.keySet());
    for (PeerId id : held) {
      client.cancelReservation(id);
    }
    active.clear();
    Set<Peer> toClose = new LinkedHashSet<>(dialed);
    for (Peer p : core.connections()) {
      if (held.contains(p.peerId()) && p.path() != ConnectionPath.RELAYED) {
        toClose.add(p);
      }
    }
    for (Peer p : toClose) {
      if (p.isOpen() && !carriesCircuits(p.peerId())) {
        closing.add(p.close().exceptionally(e -> null));
      }
    }
    dialed.clear();
    addressesMayHaveChanged();
    return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
  }

  /** Whether a relayed connection of ours runs through {@code relay} (closing it would cut that too). */
  private boolean carriesCircuits(PeerId relay) {
    String through = "/p2p/" + relay + "/p2p-circuit";
    for (Peer p : core.connections()) {
      if (p.path() == ConnectionPath.RELAYED && p.isOpen() && p.remoteAddress().toString().contains(through)) {
        return true;
      }
    }
    return false;
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  // ------------------------------------------------------------------ queries

  /** {@return the relays held now: preferred first, then by measured RTT} */
  public synchronized List<ActiveRelay> activeRelays() {
    List<ActiveRelay> out = new ArrayList<>(active.values());
    out.sort(Comparator.comparing((ActiveRelay a) -> !a.preferred())
        .thenComparing(ActiveRelay::rtt, Comparator.nullsLast(Comparator.<Duration>naturalOrder())));
    return out;
  }

  /** {@return our relayed addresses through the active relays} */
  public synchronized List<Multiaddr> relayAddresses() {
    return lastAddrs;
  }

  /**
   * The relay AutoRelay would reserve on next: the best candidate that is not held, not being
   * reserved and not blacklisted (preferred first, then measured RTT, then fewest refusals).
   *
   * @return the relay that would be reserved on next, if any
   */
  public synchronized Optional<Multiaddr> selectRelay() {
    List<CandidateState> order = RelaySelection.order(candidates.values(), active.keySet(), config.clock().instant());
    return order.isEmpty() ? Optional.empty() : Optional.of(order.get(0).addr);
  }

  /** {@return relays skipped now, with the time each is skipped until} */
  public synchronized Map<PeerId, Instant> blacklist() {
    Instant now = config.clock().instant();
    Map<PeerId, Instant> out = new LinkedHashMap<>();
    for (CandidateState c : candidates.values()) {
      if (c.blacklisted(now)) {
        out.put(c.id, c.blacklistedUntil);
      }
    }
    return out;
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
      for (ActiveRelay a : active.values()) {
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
      if (!started || stopped) {
        return;
      }
      sourcesExhausted = false;
      querySources();
    }
  }

  private void querySources() {
    if (sources.isEmpty() || querying > 0 || stopped) {
      return;
    }
    int wanted = Math.max(config.minRelays(), config.maxRelays());
    querying = sources.size();
    for (CandidateSource s : sources) {
      CompletableFuture<List<Multiaddr>> f;
      try {
        f = s.findCandidates(wanted);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenCompleteAsync((found, err) -> answered(found, err), loop);
    }
  }

  private void answered(List<Multiaddr> found, Throwable err) {
    synchronized (this) {
      querying--;
      if (stopped) {
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
      if (querying == 0) {
        sourcesExhausted = candidates.size() == before;
        vetAll();
        checkBoot();
        fill();
      }
    }
  }

  /** Vets every candidate that is neither vetted, being vetted, held, nor blacklisted. */
  private void vetAll() {
    Instant now = config.clock().instant();
    for (CandidateState c : candidates.values()) {
      if (!c.vetted && !c.vetting && !c.reserving && !active.containsKey(c.id) && !c.blacklisted(now)) {
        vet(c);
      }
    }
  }

  private void vet(CandidateState c) {
    c.vetting = true;
    Multiaddr addr = c.addr;
    CompletableFuture<Duration> result;
    try {
      result = directConnection(c.id, addr)
          .thenCompose(peer -> peer.identify().thenCompose(info -> {
            if (!info.protocols().contains(CircuitMessages.HOP_PROTOCOL)) {
              throw new CompletionException(new PeerException(PeerError.PROTOCOL,
                  addr + " does not offer the relay hop protocol (" + CircuitMessages.HOP_PROTOCOL + ")"));
            }
            return peer.ping();
          }));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.orTimeout(config.vettingTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenCompleteAsync((rtt, err) -> vetted(c, rtt, err), loop);
  }

  private CompletableFuture<Peer> directConnection(PeerId id, Multiaddr addr) {
    for (Peer p : core.connections()) {
      if (p.peerId().equals(id) && p.path() != ConnectionPath.RELAYED && p.isOpen()) {
        return CompletableFuture.completedFuture(p);
      }
    }
    return core.dial(addr).whenComplete((p, e) -> {
      if (p != null) {
        synchronized (AutoRelay.this) {
          if (stopped) {
            p.close();
          } else {
            dialed.add(p);
            p.closeFuture().whenComplete((v, x) -> {
              synchronized (AutoRelay.this) {
                dialed.remove(p);
              }
            });
          }
        }
      }
    });
  }

  private void vetted(CandidateState c, Duration rtt, Throwable err) {
    synchronized (this) {
      c.vetting = false;
      if (stopped) {
        return;
      }
      if (err != null) {
        Throwable cause = unwrap(err);
        if (cause instanceof TimeoutException) {
          cause = new PeerException(PeerError.TIMEOUT, "vetting " + c.addr + " took longer than " + config.vettingTimeout());
        }
        log.debug("candidate {} failed vetting: {}", c.addr, cause.toString());
        c.vetted = false;
        c.failures++;
        blacklist(c, cause);
      } else {
        c.vetted = true;
        c.rtt = rtt;
        log.debug("candidate {} vetted, rtt {}", c.addr, rtt);
      }
      checkBoot();
      fill();
    }
  }

  private void checkBoot() {
    if (!booting || querying > 0) {
      return;
    }
    for (CandidateState c : candidates.values()) {
      if (c.vetting) {
        return;
      }
    }
    endBoot("every candidate vetted");
  }

  private void endBoot(String why) {
    if (!booting || stopped) {
      return;
    }
    booting = false;
    cancel(bootTimer);
    log.debug("AutoRelay reserving: {}", why);
    fill();
  }

  /**
   * Reserves where slots are free: every usable preferred relay up to maxRelays, then the best
   * others up to minRelays. Vets what is not vetted; asks the sources when short.
   */
  private void fill() {
    if (!started || stopped || booting) {
      return;
    }
    Instant now = config.clock().instant();
    int slots = active.size();
    for (CandidateState c : candidates.values()) {
      if (c.reserving) {
        slots++;
      }
    }
    int usable = 0;
    for (CandidateState c : RelaySelection.order(candidates.values(), active.keySet(), now)) {
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
    if (slots + usable < config.minRelays() && !sourcesExhausted) {
      querySources();
    }
  }

  private void reserve(CandidateState c) {
    c.reserving = true;
    Multiaddr addr = c.addr;
    CompletableFuture<Reservation> raw;
    try {
      raw = client.reserve(addr);
    } catch (RuntimeException e) {
      raw = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Reservation> held = raw;
    raw.copy().orTimeout(config.reservationTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenCompleteAsync((r, err) -> reserveDone(c, addr, r, err, held), loop);
  }

  private void reserveDone(CandidateState c, Multiaddr addr, Reservation r, Throwable err,
      CompletableFuture<Reservation> raw) {
    synchronized (this) {
      c.reserving = false;
      if (stopped) {
        if (r != null) {
          client.cancelReservation(r.relay());
        }
        return;
      }
      if (err != null) {
        Throwable cause = unwrap(err);
        if (cause instanceof TimeoutException) {
          cause = new PeerException(PeerError.TIMEOUT, "reserving on " + addr + " took longer than "
              + config.reservationTimeout());
          // Should the answer still come, the reservation is nobody's: let it go.
          raw.thenAccept(late -> {
            synchronized (AutoRelay.this) {
              if (!active.containsKey(late.relay())) {
                client.cancelReservation(late.relay());
              }
            }
          });
        }
        if (cause instanceof RelayException re && re.statusCode() != 0) {
          c.refusals++;
        } else {
          c.failures++;
        }
        c.vetted = false;
        log.debug("reserving on {} failed: {}", addr, cause.toString());
        blacklist(c, cause);
        fill();
        return;
      }
      if (client.reservation(r.relay()).isEmpty()) {
        // Lost between the answer and now (the relay connection closed): look again.
        c.vetted = false;
        fill();
        return;
      }
      c.failures = 0;
      active.put(r.relay(), new ActiveRelay(r, c.preferred, c.rtt));
      log.debug("reserved on {} until {}", r.relay(), r.expiration());
      core.emit(l -> l.relayAdded(r.relay(), r.addrs(), r.expiration()));
      addressesMayHaveChanged();
      trim();
      fill();
    }
  }

  /** Drops non-preferred relays held beyond minRelays (a preferred relay took their place), worst first. */
  private void trim() {
    while (active.size() > config.minRelays()) {
      ActiveRelay worst = null;
      for (ActiveRelay a : active.values()) {
        if (!a.preferred() && (worst == null || worse(a, worst))) {
          worst = a;
        }
      }
      if (worst == null) {
        return;
      }
      active.remove(worst.relay());
      client.cancelReservation(worst.relay());
      PeerId id = worst.relay();
      core.emit(l -> l.relayDropped(id, "dropped: a preferred relay took its place", null));
      addressesMayHaveChanged();
    }
  }

  private static boolean worse(ActiveRelay a, ActiveRelay b) {
    if (a.rtt() == null) {
      return b.rtt() != null;
    }
    return b.rtt() != null && a.rtt().compareTo(b.rtt()) > 0;
  }

  private void blacklist(CandidateState c, Throwable cause) {
    Instant until = config.clock().instant().plus(config.blacklistDuration());
    c.blacklistedUntil = until;
    PeerId id = c.id;
    PeerException error = cause == null ? null : PeerException.wrap(cause, PeerError.IO);
    core.emit(l -> l.relayBlacklisted(id, until, error));
    ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
    ScheduledFuture<?> t = loop.schedule(() -> {
      synchronized (AutoRelay.this) {
        timers.remove(self[0]);
        if (!stopped) {
          fill();
        }
      }
    }, config.blacklistDuration().toNanos(), TimeUnit.NANOSECONDS);
    self[0] = t;
    timers.add(t);
  }

  private void onReserved(Reservation r) {
    synchronized (this) {
      ActiveRelay a = active.get(r.relay());
      if (stopped || a == null || a.reservation() == r) {
        return; // not ours (or ours, reported by reserveDone)
      }
      active.put(r.relay(), new ActiveRelay(r, a.preferred(), a.rtt()));
      addressesMayHaveChanged();
    }
  }

  private void onLost(PeerId relay, String reason, Throwable cause) {
    synchronized (this) {
      if (stopped || active.remove(relay) == null) {
        return;
      }
      log.debug("relay {} {}", relay, reason);
      CandidateState c = candidates.get(relay);
      if (c != null) {
        c.vetted = false; // it may be gone: vet it again before use
        c.failures++;
      }
      sourcesExhausted = false;
      PeerException error = cause == null ? null : PeerException.wrap(cause, PeerError.IO);
      core.emit(l -> l.relayDropped(relay, reason, error));
      addressesMayHaveChanged();
      fill();
    }
  }

  /** The periodic check. */
  private void tick() {
    List<ActiveRelay> toPing;
    synchronized (this) {
      if (stopped) {
        return;
      }
      sourcesExhausted = false;
      for (PeerId id : List.copyOf(active.keySet())) {
        if (client.reservation(id).isEmpty()) {
          onLost(id, "lost: the relay client no longer holds it", null);
        }
      }
      toPing = List.copyOf(active.values());
      trim();
      vetAll();
      fill();
    }
    for (ActiveRelay a : toPing) {
      for (Peer p : core.connections()) {
        if (p.peerId().equals(a.relay()) && p.path() != ConnectionPath.RELAYED && p.isOpen()) {
          p.ping().whenComplete((rtt, err) -> {
            if (rtt != null) {
              measured(a.relay(), rtt);
            }
          });
          break;
        }
      }
    }
  }

  private synchronized void measured(PeerId relay, Duration rtt) {
    CandidateState c = candidates.get(relay);
    if (c != null) {
      c.rtt = rtt;
    }
    ActiveRelay a = active.get(relay);
    if (a != null) {
      active.put(relay, new ActiveRelay(a.reservation(), a.preferred(), rtt));
    }
  }

  private void addressesMayHaveChanged() {
    LinkedHashSet<Multiaddr> all = new LinkedHashSet<>();
    for (ActiveRelay a : active.values()) {
      all.addAll(a.addrs());
    }
    List<Multiaddr> now = List.copyOf(all);
    if (!now.equals(lastAddrs)) {
      lastAddrs = now;
      core.emit(l -> l.relayAddressesChanged(now));
    }
  }

  private static Throwable unwrap(Throwable err) {
    Throwable t = err;
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
