package io.peerlink.core;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.connmgr.ConnectionManager;
import io.peerlink.core.internal.connmgr.PeerPaths;
import io.peerlink.core.internal.host.HostCore;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live connection per peer, shared by every caller: the {@link PeerManager} implementation.
 *
 * <pre>{@code
 * Listener listener = Listener.builder(identity).listenOn(addr).build().start().join();
 * Connector connector = Connector.sharing(listener).build();
 * try (PeerPool pool = PeerPool.builder(connector).maxPeers(200).build()) {
 *   pool.addAddresses(serverId, List.of(Multiaddr.parse("/dns4/node1.example/tcp/4001")));
 *   Peer peer = pool.connect(serverId).join();            // dials once, then reused
 *   String answer = pool.call("/kv/1.0.0", p -> query(p)).join(); // load balanced
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Reuse.</b> {@link #connect} returns the live connection when there is one; concurrent
 *       connects to one peer share one dial.
 *   <li><b>Both sides at once, and every path.</b> The pool sees every connection of its
 *       connector's host (with {@link Connector#sharing}, inbound ones too), and holds per peer at
 *       most one direct (or hole-punched) connection and one relayed connection per relay. A
 *       direct connection never closes because of a relayed one: the relayed one stays as the
 *       fallback and for hole-punch signalling, and {@link #peer} returns the direct one. Of two
 *       direct connections it keeps the one dialed by the peer with the lower peer ID (between two
 *       dialed by the same side, the one from the lower source port) and closes the other with a
 *       yamux go-away; the remote, pooled or not, reaches the same choice from the same facts. A
 *       caller may briefly hold the closed one; the next {@code connect} returns the survivor.
 *   <li><b>Idle eviction.</b> A peer with no call in flight and no stream activity for
 *       {@link #idleTimeout()} is disconnected, unless it is protected ({@code Host.protect}: it
 *       holds our relay reservation, carries a circuit or signals a hole punch).
 *   <li><b>Size bound.</b> At {@link #maxPeers()} peers, a new one evicts the longest-idle
 *       unprotected peer with nothing in flight; when there is none, a new outbound connect fails
 *       with a {@link LimitExceededException} and a new inbound connection is closed.
 *   <li><b>Addresses.</b> The host's {@link AddressBook}: what {@link #addAddresses} adds, what
 *       peers announce through identify and identify push (circuit addresses included), where we
 *       dialed. {@link #connect(PeerId)} dials the direct ones, or the first circuit address when
 *       no direct one is known.
 *   <li><b>Load balancing.</b> {@link #select} and {@link #call} pick among the connected peers
 *       whose identify lists a protocol, with a {@link LoadBalancer} strategy.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class PeerPool implements PeerManager {
  private static final Logger log = LoggerFactory.getLogger(PeerPool.class);

  private final Connector connector;
  private final HostCore core;
  private final ConnectionManager manager;
  private final int maxPeers;
  private final Duration idleTimeout;
  private final LoadBalancer balancer;
  private final Clock clock;
  private final Map<PeerId, PeerPaths> entries = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> evictor;
  private volatile boolean closed;

  private PeerPool(Builder b) {
    this.connector = b.connector;
    this.core = connector.core();
    this.manager = core.connectionManager();
    this.maxPeers = b.maxPeers;
    this.idleTimeout = b.idleTimeout;
    this.balancer = b.balancer;
    this.clock = b.clock;
    core.addConnectionListener(this::adopt);
    core.connections().forEach(this::adopt);
    long period = Math.max(100, Math.min(idleTimeout.toMillis() / 2, 30_000));
    this.evictor = core.eventLoops().next().scheduleAtFixedRate(this::evictIdle, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * A builder for a pool that dials with {@code connector} (share a listener to pool inbound connections too).
   *
   * @param connector the connector to dial with
   * @return a new builder
   */
  public static Builder builder(Connector connector) {
    return new Builder(Objects.requireNonNull(connector, "connector"));
  }

  /** {@return most peers held at once} */
  public int maxPeers() {
    return maxPeers;
  }

  /** {@return how long a peer may stay idle before it is disconnected} */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** {@return the host's address book, which {@link #connect(PeerId)} dials from} */
  public AddressBook addressBook() {
    return core.addressBook();
  }

  @Override
  public PeerId localPeerId() {
    return connector.peerId();
  }

  // ------------------------------------------------------------------ connecting

  @Override
  public CompletableFuture<Peer> connect(PeerId peer) {
    List<Multiaddr> known = addresses(peer);
    if (known.isEmpty()) {
      Optional<Peer> live = peer(peer);
      if (live.isPresent()) {
        return CompletableFuture.completedFuture(live.get());
      }
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
          "no address known for " + peer + ": add some with addAddresses(), or connect with a /p2p multiaddr"));
    }
    return connect(peer, known);
  }

  @Override
  public CompletableFuture<Peer> connect(Multiaddr address) {
    PeerId id = address.peerId().orElseThrow(() -> new IllegalArgumentException(
        "the address must end in /p2p/<peer id>: " + address));
    return connect(id, List.of(address));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The addresses are remembered for {@link AddressBook#ADDRESS_TTL}. Direct addresses are
   * dialed; when there is none, the first circuit address ({@code <relay>/p2p-circuit}) is dialed
   * through its relay, which needs a relay client on the host.
   */
  @Override
  public CompletableFuture<Peer> connect(PeerId peer, List<Multiaddr> addresses) {
    Objects.requireNonNull(peer, "peer");
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the pool is closed"));
    }
    Optional<Peer> live = peer(peer);
    if (live.isPresent()) {
      return CompletableFuture.completedFuture(live.get());
    }
    core.addressBook().add(peer, addresses, AddressBook.ADDRESS_TTL);
    if (entries.size() >= maxPeers && !entries.containsKey(peer) && !evictOne(null)) {
      return CompletableFuture.failedFuture(new LimitExceededException("the pool holds maxPeers=" + maxPeers
          + " peers, all busy: raise PeerPool maxPeers, or disconnect a peer first"));
    }
    List<Multiaddr> direct = addresses.stream().filter(a -> !a.isRelayed()).toList();
    Optional<Multiaddr> circuit = addresses.stream().filter(Multiaddr::isRelayed).findFirst();
    CompletableFuture<Peer> dial;
    if (!direct.isEmpty() || circuit.isEmpty()) {
      dial = connector.connect(peer, direct);
    } else {
      Multiaddr c = circuit.get();
      dial = connector.connect(c.peerId().isPresent() ? c : c.withPeerId(peer));
    }
    CompletableFuture<Peer> out = new CompletableFuture<>();
    dial.whenComplete((p, e) -> {
      if (e != null) {
        out.completeExceptionally(e);
      } else {
        out.complete(peer(peer).orElse(p)); // the survivor, if both sides connected at once
      }
    });
    out.whenComplete((p, e) -> {
      if (out.isCancelled()) {
        dial.cancel(false);
      }
    });
    return out;
  }

  /**
   * {@inheritDoc}
   *
   * <p>They never expire ({@link AddressBook#PERMANENT}); TCP and circuit addresses are kept,
   * others dropped.
   */
  @Override
  public void addAddresses(PeerId peer, Collection<Multiaddr> addresses) {
    core.addressBook().add(peer, addresses, AddressBook.PERMANENT);
  }

  @Override
  public List<Multiaddr> addresses(PeerId peer) {
    return core.addressBook().addresses(peer);
  }

  /** Closes every connection the pool holds to {@code peer} (direct and relayed). */
  @Override
  public CompletableFuture<Void> disconnect(PeerId peer) {
    PeerPaths e = entries.remove(peer);
    return e == null ? CompletableFuture.completedFuture(null) : closeAll(e);
  }

  private static CompletableFuture<Void> closeAll(PeerPaths paths) {
    return CompletableFuture.allOf(paths.all().stream().map(Peer::close).toArray(CompletableFuture[]::new));
  }

  /** {@return the live connections, one per peer: its direct one when it has one} */
  @Override
  public List<Peer> peers() {
    return entries.values().stream().map(PeerPaths::best).flatMap(Optional::stream).toList();
  }

  /** {@return the live connection to {@code peer}: the direct one when there is one, else a relayed one} */
  @Override
  public Optional<Peer> peer(PeerId peer) {
    PeerPaths e = entries.get(peer);
    return e == null ? Optional.empty() : e.best();
  }

  /**
   * Every connection the pool holds to {@code peer}: at most one direct (or hole-punched) and one
   * relayed per relay.
   *
   * @param peer the peer
   * @return its connections, possibly none
   */
  public List<Peer> connections(PeerId peer) {
    PeerPaths e = entries.get(peer);
    return e == null ? List.of() : e.all().stream().filter(Peer::isOpen).toList();
  }

  @Override
  public void handle(String protocol, StreamHandler handler) {
    core.protocols().put(protocol, handler);
  }

  @Override
  public void onMessage(MessageHandler handler) {
    core.messageHandler(handler);
  }

  // ------------------------------------------------------------------ pooling

  /** Takes in a new connection of the host; called on its event loop. */
  private void adopt(Peer p) {
    if (closed) {
      return;
    }
    PeerId id = p.peerId();
    List<Peer> losers;
    boolean newPeer;
    synchronized (this) {
      PeerPaths paths = entries.get(id);
      if (paths != null && paths.contains(p)) {
        return;
      }
      newPeer = paths == null || paths.isEmpty();
      if (paths == null) {
        paths = new PeerPaths();
        entries.put(id, paths);
      }
      losers = paths.add(localPeerId(), p);
    }
    for (Peer loser : losers) {
      log.debug("two connections to {} on one path: keeping the one dialed by the lower peer ID, closing {}", id, loser);
      loser.close();
    }
    if (losers.contains(p)) {
      return;
    }
    p.closeFuture().whenComplete((v, e) -> forget(id, p));
    if (newPeer && entries.size() > maxPeers && !evictOne(id)) {
      log.debug("pool full ({} peers, all busy or protected): closing the new connection to {}", maxPeers, id);
      forget(id, p);
      p.close();
    }
  }

  private synchronized void forget(PeerId id, Peer p) {
    PeerPaths paths = entries.get(id);
    if (paths != null && paths.remove(p)) {
      entries.remove(id, paths);
    }
  }

  /**
   * Closes the longest-idle peer that may be dropped (not protected, nothing in flight), other
   * than {@code keep}; false if none.
   */
  private boolean evictOne(PeerId keep) {
    Map.Entry<PeerId, PeerPaths> victim = entries.entrySet().stream()
        .filter(e -> !e.getKey().equals(keep) && manager.mayDrop(e.getKey()))
        .min(Comparator.comparing(e -> e.getValue().lastActivity()))
        .orElse(null);
    if (victim == null || !entries.remove(victim.getKey(), victim.getValue())) {
      return false;
    }
    log.debug("pool full ({} peers): evicting the longest idle, {}", maxPeers, victim.getKey());
    closeAll(victim.getValue());
    return true;
  }

  /**
   * Disconnects every peer idle for {@link #idleTimeout()} that may be dropped: not protected
   * (a relay reservation, a circuit, hole-punch signalling), nothing in flight. Runs periodically.
   */
  void evictIdle() {
    Instant now = clock.instant();
    for (Map.Entry<PeerId, PeerPaths> e : List.copyOf(entries.entrySet())) {
      if (manager.mayDrop(e.getKey())
          && Duration.between(e.getValue().lastActivity(), now).compareTo(idleTimeout) >= 0
          && entries.remove(e.getKey(), e.getValue())) {
        log.debug("evicting idle peer {}", e.getKey());
        closeAll(e.getValue());
      }
    }
  }

  // ------------------------------------------------------------------ load balancing

  /**
   * A connected peer that serves {@code protocol} (its identify lists it), chosen by the pool's
   * {@link LoadBalancer}; empty when none does.
   *
   * @param protocol the protocol ID, for example {@code /echo/1.0.0}
   * @return a chosen peer, if any serves the protocol
   */
  public Optional<Peer> select(String protocol) {
    List<Peer> serving = new ArrayList<>();
    for (PeerPaths e : entries.values()) {
      e.best().ifPresent(p -> {
        IdentifyInfo info = p.identify().getNow(null);
        if (info != null && info.protocols().contains(protocol)) {
          serving.add(p);
        }
      });
    }
    if (serving.isEmpty()) {
      return Optional.empty();
    }
    serving.sort(Comparator.comparing(Peer::peerId));
    List<LoadBalancer.Candidate> candidates = serving.stream()
        .map(p -> new LoadBalancer.Candidate(p.peerId(), p.stats().rtt(), manager.work(p.peerId())))
        .toList();
    int i = balancer.choose(candidates);
    if (i < 0 || i >= serving.size()) {
      throw new IllegalStateException("LoadBalancer chose " + i + " of " + serving.size() + " candidates");
    }
    return Optional.of(serving.get(i));
  }

  /**
   * Runs {@code operation} on a peer that serves {@code protocol}, chosen by the
   * {@link LoadBalancer}, counting it as in flight on that peer until its future completes: while
   * it runs, the peer is not evicted and its last connection is not trimmed. Fails with
   * {@link PeerError#CONNECT} when no connected peer serves the protocol.
   *
   * @param <T> the operation's result type
   * @param protocol the protocol ID, for example {@code /echo/1.0.0}
   * @param operation what to run on the chosen peer
   * @return a future that completes with the operation's result
   */
  public <T> CompletableFuture<T> call(String protocol, Function<Peer, CompletableFuture<T>> operation) {
    Optional<Peer> chosen = select(protocol);
    if (chosen.isEmpty()) {
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
          "no connected peer serves " + protocol + ": connect to one that does first"));
    }
    Peer p = chosen.get();
    PeerId id = p.peerId();
    manager.workStarted(id);
    CompletableFuture<T> f;
    try {
      f = operation.apply(p);
    } catch (RuntimeException ex) {
      manager.workEnded(id);
      throw ex;
    }
    return f.whenComplete((v, err) -> manager.workEnded(id));
  }

  /**
   * Calls in flight through {@link #call} on {@code peer} (by every pool of this host).
   *
   * @param peer the peer
   * @return the calls in flight on it
   */
  public int inFlight(PeerId peer) {
    return manager.work(peer);
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    closed = true;
    evictor.cancel(false);
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (PeerPaths e : List.copyOf(entries.values())) {
      closing.add(closeAll(e));
    }
    entries.clear();
    return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
  }

  /** Builds a {@link PeerPool}. */
  public static final class Builder {
    private final Connector connector;
    private int maxPeers = 256;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private LoadBalancer balancer = LoadBalancer.powerOfTwoChoices();
    private Clock clock = Clock.systemUTC();

    private Builder(Connector connector) {
      this.connector = connector;
    }

    /**
     * Most peers held at once. Default 256: go-libp2p's connection manager trims above 192
     * connections; a pool holds one per peer (plus relayed fallbacks), and stays below the host's
     * default high watermark ({@link ConnectionManagerConfig#highWater()}, 400).
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxPeers(int v) {
      this.maxPeers = v;
      return this;
    }

    /**
     * A peer with no call in flight and no stream activity for this long is disconnected.
     * Default 5 minutes.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder idleTimeout(Duration v) {
      this.idleTimeout = v;
      return this;
    }

    /**
     * The strategy of {@link PeerPool#select} and {@link PeerPool#call}; default power of two choices.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder loadBalancer(LoadBalancer v) {
      this.balancer = Objects.requireNonNull(v, "loadBalancer");
      return this;
    }

    /** The clock idle eviction reads (tests step it). */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * Validates and builds the pool; it takes in the host's existing connections at once.
     *
     * @throws IllegalArgumentException naming the first invalid setting
     * @return the new {@code PeerPool}
     */
    public PeerPool build() {
      if (maxPeers < 1) {
        throw new IllegalArgumentException("maxPeers must be at least 1, was " + maxPeers);
      }
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
      }
      return new PeerPool(this);
    }
  }
}
