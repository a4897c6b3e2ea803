package io.peerlink.core;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.host.HostCore;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *   <li><b>Both sides at once.</b> The pool sees every connection of its connector's host (with
 *       {@link Connector#sharing}, inbound ones too). When a second connection to a peer appears,
 *       it keeps the one dialed by the peer with the lower peer ID (between two dialed by the same
 *       side, the one from the lower source port) and closes the other with a yamux go-away; the
 *       remote, pooled or not, reaches the same choice from the same facts. A caller may briefly
 *       hold the closed one; the next {@code connect} returns the survivor.
 *   <li><b>Idle eviction.</b> A peer with no call in flight and no stream activity for
 *       {@link #idleTimeout()} is disconnected.
 *   <li><b>Size bound.</b> At {@link #maxPeers()} connections, a new one evicts the longest-idle
 *       peer with nothing in flight; when there is none, a new outbound connect fails with a
 *       {@link LimitExceededException} and a new inbound connection is closed.
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
  private final int maxPeers;
  private final Duration idleTimeout;
  private final LoadBalancer balancer;
  private final Clock clock;
  private final Map<PeerId, Entry> entries = new ConcurrentHashMap<>();
  private final Map<PeerId, Set<Multiaddr>> addressBook = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> evictor;
  private volatile boolean closed;

  /** A pooled connection and the calls in flight on it. */
  private static final class Entry {
    final Peer peer;
    final AtomicInteger inFlight = new AtomicInteger();

    Entry(Peer peer) {
      this.peer = peer;
    }
  }

  private PeerPool(Builder b) {
    this.connector = b.connector;
    this.core = connector.core();
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
    addAddresses(peer, addresses);
    if (entries.size() >= maxPeers && !evictOne(null)) {
      return CompletableFuture.failedFuture(new LimitExceededException("the pool holds maxPeers=" + maxPeers
          + " peers, all busy: raise PeerPool maxPeers, or disconnect a peer first"));
    }
    CompletableFuture<Peer> dial = connector.connect(peer, addresses);
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

  @Override
  public void addAddresses(PeerId peer, Collection<Multiaddr> addresses) {
    Set<Multiaddr> set = addressBook.computeIfAbsent(peer, p -> new LinkedHashSet<>());
    synchronized (set) {
      for (Multiaddr a : addresses) {
        Multiaddr t = a.withoutPeerId();
        if (t.toSocketAddress().isPresent()) {
          set.add(t);
        }
      }
    }
  }

  @Override
  public List<Multiaddr> addresses(PeerId peer) {
    Set<Multiaddr> set = addressBook.get(peer);
    if (set == null) {
      return List.of();
    }
    synchronized (set) {
      return List.copyOf(set);
    }
  }

  @Override
  public CompletableFuture<Void> disconnect(PeerId peer) {
    Entry e = entries.remove(peer);
    return e == null ? CompletableFuture.completedFuture(null) : e.peer.close();
  }

  @Override
  public List<Peer> peers() {
    return entries.values().stream().map(e -> e.peer).filter(Peer::isOpen).toList();
  }

  @Override
  public Optional<Peer> peer(PeerId peer) {
    Entry e = entries.get(peer);
    return e != null && e.peer.isOpen() && e.peer.state() == PeerState.CONNECTED
        ? Optional.of(e.peer) : Optional.empty();
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
    Peer loser = null;
    Entry added = null;
    synchronized (this) {
      Entry cur = entries.get(id);
      if (cur != null && cur.peer == p) {
        return;
      }
      if (cur == null || !cur.peer.isOpen()) {
        added = new Entry(p);
        entries.put(id, added);
      } else if (preferred(p, cur.peer)) {
        added = new Entry(p);
        entries.put(id, added);
        loser = cur.peer;
      } else {
        loser = p;
      }
    }
    if (loser != null) {
      log.debug("two connections to {}: keeping the one dialed by the lower peer ID, closing {}", id, loser);
      loser.close();
    }
    if (added != null) {
      Entry mine = added;
      p.closeFuture().whenComplete((v, e) -> entries.remove(id, mine));
      p.identify().thenAccept(info -> addAddresses(id, info.listenAddrs()));
      if (entries.size() > maxPeers && !evictOne(p)) {
        log.debug("pool full ({} peers, all busy): closing the new connection to {}", maxPeers, id);
        entries.remove(id, mine);
        p.close();
      }
    }
  }

  /**
   * Whether {@code a} should be kept over {@code b}: the one dialed by the lower peer ID; between
   * two dialed by the same side, the one whose dialer used the lower source port. Both sides know
   * both facts, so both keep the same connection.
   */
  private boolean preferred(Peer a, Peer b) {
    PeerId da = dialer(a);
    PeerId db = dialer(b);
    int c = da.compareTo(db);
    if (c != 0) {
      return c < 0;
    }
    return dialerPort(a) < dialerPort(b);
  }

  private PeerId dialer(Peer p) {
    return p.direction() == Direction.OUTBOUND ? localPeerId() : p.peerId();
  }

  private static int dialerPort(Peer p) {
    Multiaddr m = p.direction() == Direction.OUTBOUND ? p.localAddress() : p.remoteAddress();
    return m.toSocketAddress().map(InetSocketAddress::getPort).orElse(0);
  }

  /** Closes the longest-idle peer with nothing in flight, other than {@code keep}; false if none. */
  private boolean evictOne(Peer keep) {
    Entry victim = entries.values().stream()
        .filter(e -> e.peer != keep && e.inFlight.get() == 0)
        .min(Comparator.comparing(e -> e.peer.stats().lastActivity()))
        .orElse(null);
    if (victim == null || !entries.remove(victim.peer.peerId(), victim)) {
      return false;
    }
    log.debug("pool full ({} peers): evicting the longest idle, {}", maxPeers, victim.peer);
    victim.peer.close();
    return true;
  }

  /** Disconnects every peer idle for {@link #idleTimeout()} with nothing in flight. Runs periodically. */
  void evictIdle() {
    Instant now = clock.instant();
    for (Entry e : List.copyOf(entries.values())) {
      if (e.inFlight.get() == 0
          && Duration.between(e.peer.stats().lastActivity(), now).compareTo(idleTimeout) >= 0
          && entries.remove(e.peer.peerId(), e)) {
        log.debug("evicting idle peer {}", e.peer);
        e.peer.close();
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
    return selectEntry(protocol).map(e -> e.peer);
  }

  private Optional<Entry> selectEntry(String protocol) {
    List<Entry> serving = new ArrayList<>();
    for (Entry e : entries.values()) {
      Peer p = e.peer;
      if (p.isOpen() && p.state() == PeerState.CONNECTED) {
        IdentifyInfo info = p.identify().getNow(null);
        if (info != null && info.protocols().contains(protocol)) {
          serving.add(e);
        }
      }
    }
    if (serving.isEmpty()) {
      return Optional.empty();
    }
    serving.sort(Comparator.comparing(e -> e.peer.peerId()));
    List<LoadBalancer.Candidate> candidates = serving.stream()
        .map(e -> new LoadBalancer.Candidate(e.peer.peerId(), e.peer.stats().rtt(), e.inFlight.get()))
        .toList();
    int i = balancer.choose(candidates);
    if (i < 0 || i >= serving.size()) {
      throw new IllegalStateException("LoadBalancer chose " + i + " of " + serving.size() + " candidates");
    }
    return Optional.of(serving.get(i));
  }

  /**
   * Runs {@code operation} on a peer that serves {@code protocol}, chosen by the
   * {@link LoadBalancer}, counting it as in flight on that peer until its future completes. Fails
   * with {@link PeerError#CONNECT} when no connected peer serves the protocol.
   *
   * @param <T> the operation's result type
   * @param protocol the protocol ID, for example {@code /echo/1.0.0}
   * @param operation what to run on the chosen peer
   * @return a future that completes with the operation's result
   */
  public <T> CompletableFuture<T> call(String protocol, Function<Peer, CompletableFuture<T>> operation) {
    Optional<Entry> chosen = selectEntry(protocol);
    if (chosen.isEmpty()) {
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
          "no connected peer serves " + protocol + ": connect to one that does first"));
    }
    Entry e = chosen.get();
    e.inFlight.incrementAndGet();
    CompletableFuture<T> f;
    try {
      f = operation.apply(e.peer);
    } catch (RuntimeException ex) {
      e.inFlight.decrementAndGet();
      throw ex;
    }
    return f.whenComplete((v, err) -> e.inFlight.decrementAndGet());
  }

  /**
   * Calls in flight through {@link #call} on {@code peer}.
   *
   * @param peer the peer
   * @return the calls in flight on it
   */
  public int inFlight(PeerId peer) {
    Entry e = entries.get(peer);
    return e == null ? 0 : e.inFlight.get();
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    closed = true;
    evictor.cancel(false);
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Entry e : List.copyOf(entries.values())) {
      closing.add(e.peer.close());
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
     * connections; a pool holds one per peer.
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
