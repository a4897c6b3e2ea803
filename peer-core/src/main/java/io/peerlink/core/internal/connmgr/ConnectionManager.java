package io.peerlink.core.internal.connmgr;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.ConnectionManagerConfig;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which of a host's connections may be closed to save resources, and trims them between
 * watermarks as go-libp2p's {@code BasicConnMgr} does. It knows every open connection and when it
 * opened, which peers are protected ({@code Host.protect}) and which peers have work in flight
 * (a {@code PeerPool.call}). Idle timeouts, pool eviction and trimming all ask {@link #mayClose}.
 *
 * <p>Rules: a protected peer's connections are never closed; nor is the last open connection to a
 * peer with work in flight. Trimming also spares connections younger than the grace period, and
 * closes the least useful first ({@link TrimOrder}). Thread-safe.
 */
public final class ConnectionManager {
  private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);

  private final ConnectionManagerConfig config;
  private final Supplier<Clock> clock;
  private final Predicate<PeerId> isProtected;
  private final Map<Peer, Instant> opened = new ConcurrentHashMap<>();
  private final Map<PeerId, Set<Peer>> byPeer = new ConcurrentHashMap<>();
  private final Map<PeerId, AtomicInteger> work = new ConcurrentHashMap<>();
  private volatile ScheduledFuture<?> timer;

  /**
   * A manager with {@code config}'s watermarks.
   *
   * @param config when to trim
   * @param clock the clock in force (tests step it), asked each time
   * @param isProtected whether a peer is protected by any tag
   */
  public ConnectionManager(ConnectionManagerConfig config, Supplier<Clock> clock, Predicate<PeerId> isProtected) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.isProtected = Objects.requireNonNull(isProtected, "isProtected");
  }

  /** Checks the watermarks every silence period on {@code executor}, if trimming is on. */
  public void start(EventExecutor executor) {
    if (config.enabled()) {
      long every = config.silencePeriod().toMillis();
      timer = executor.scheduleAtFixedRate(this::trimIfAbove, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the periodic check. */
  public void stop() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** A connection became ready; forgotten once it closes. */
  public void opened(Peer conn) {
    opened.put(conn, clock.get().instant());
    byPeer.computeIfAbsent(conn.peerId(), p -> ConcurrentHashMap.newKeySet()).add(conn);
    conn.closeFuture().whenComplete((v, e) -> {
      opened.remove(conn);
      byPeer.computeIfPresent(conn.peerId(), (p, set) -> {
        set.remove(conn);
        return set.isEmpty() ? null : set;
      });
    });
  }

  /** {@return the open connections to {@code peer} this manager knows} */
  public List<Peer> connections(PeerId peer) {
    Set<Peer> set = byPeer.get(peer);
    return set == null ? List.of() : set.stream().filter(Peer::isOpen).toList();
  }

  /** {@return how many connections are open} */
  public int openConnections() {
    return opened.size();
  }

  // ------------------------------------------------------------------ work in flight

  /** Work for {@code peer} started: its last connection must stay until {@link #workEnded}. */
  public void workStarted(PeerId peer) {
    work.computeIfAbsent(peer, p -> new AtomicInteger()).incrementAndGet();
  }

  /** Work started with {@link #workStarted} ended. */
  public void workEnded(PeerId peer) {
    work.computeIfPresent(peer, (p, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  /** {@return the work in flight for {@code peer}} */
  public int work(PeerId peer) {
    AtomicInteger n = work.get(peer);
    return n == null ? 0 : n.get();
  }

  // ------------------------------------------------------------------ closing

  /**
   * Whether {@code conn} may be closed to save resources (idleness, a full pool, trimming): not if
   * its peer is protected, nor if it is the last open connection to a peer with work in flight.
   *
   * @param conn the connection
   * @return whether closing it is allowed
   */
  public boolean mayClose(Peer conn) {
    PeerId peer = conn.peerId();
    if (isProtected.test(peer)) {
      return false;
    }
    return work(peer) == 0 || connections(peer).stream().anyMatch(c -> c != conn);
  }

  /**
   * Whether {@code peer} may be dropped as a whole (every connection closed): not protected, no
   * work in flight.
   *
   * @param peer the peer
   * @return whether closing all its connections is allowed
   */
  public boolean mayDrop(PeerId peer) {
    return !isProtected.test(peer) && work(peer) == 0;
  }

  private void trimIfAbove() {
    try {
      if (opened.size() > config.highWater()) {
        trim();
      }
    } catch (RuntimeException e) {
      log.warn("trimming connections failed; the next check tries again", e);
    }
  }

  /**
   * Closes the least useful connections until {@link ConnectionManagerConfig#lowWater()} are
   * left, sparing the protected, the young and the last path of a peer with work in flight. Does
   * nothing while at most the high watermark are open.
   *
   * @return the connections it closed
   */
  public List<Peer> trim() {
    return trim(false);
  }

  /**
   * Closes the least useful connections until {@link ConnectionManagerConfig#lowWater()} are
   * left, whether or not the high watermark was passed (go's {@code TrimOpenConns}, asked for
   * by an operator), with the same spares as {@link #trim()}.
   *
   * @return the connections it closed
   */
  public List<Peer> trimToLowWater() {
    return trim(true);
  }

  private List<Peer> trim(boolean onDemand) {
    if (!config.enabled()) {
      return List.of();
    }
    List<Peer> open = opened.keySet().stream().filter(Peer::isOpen).toList();
    if (open.size() <= (onDemand ? config.lowWater() : config.highWater())) {
      return List.of();
    }
    Instant graceStart = clock.get().instant().minus(config.gracePeriod());
    Map<PeerId, Integer> remaining = new HashMap<>();
    List<Peer> candidates = new ArrayList<>();
    for (Peer c : open) {
      remaining.merge(c.peerId(), 1, Integer::sum);
      Instant since = opened.get(c);
      if (since != null && !since.isAfter(graceStart) && !isProtected.test(c.peerId())) {
        candidates.add(c);
      }
    }
    int target = open.size() - config.lowWater();
    List<Peer> closing = new ArrayList<>();
    for (Peer c : TrimOrder.leastUsefulFirst(candidates, this::hasDirect, opened::get)) {
      if (closing.size() >= target) {
        break;
      }
      int left = remaining.get(c.peerId());
      if (left == 1 && work(c.peerId()) > 0) {
        continue; // the last path of a peer with work in flight
      }
      remaining.put(c.peerId(), left - 1);
      closing.add(c);
    }
    if (!closing.isEmpty()) {
      log.debug("{} connections open ({}): closing {} down to the low watermark {}", open.size(),
          onDemand ? "trim asked for" : "above the high watermark " + config.highWater(), closing.size(),
          config.lowWater());
    }
    closing.forEach(Peer::close);
    return closing;
  }

  /** Whether {@code peer} has an open connection that is not relayed. */
  private boolean hasDirect(PeerId peer) {
    return connections(peer).stream().anyMatch(c -> c.path() != ConnectionPath.RELAYED);
  }
}
