package io.peerlink.relay;

import io.netty.channel.EventLoopGroup;
import io.peerlink.core.Connector;
import io.peerlink.core.EventListener;
import io.peerlink.core.Listener;
import io.peerlink.core.ListenerLimits;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.event.Reachability;
import io.peerlink.core.event.RelayState;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.internal.autonat.AutoNatClient;
import io.peerlink.relay.internal.autonat.AutoNatServer;
import io.peerlink.relay.internal.autorelay.AutoRelay;
import io.peerlink.relay.internal.autorelay.DhtCandidateSource;
import io.peerlink.relay.internal.autorelay.IdentifyCandidateSource;
import io.peerlink.relay.internal.client.ConfiguredRelays;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.internal.client.RelayService;
import io.peerlink.relay.internal.dht.KadDht;
import io.peerlink.relay.internal.dial.PriorityDialer;
import io.peerlink.relay.internal.dial.Reconnector;
import io.peerlink.relay.internal.dial.RelayProbe;
import io.peerlink.relay.internal.dial.RelayRoutes;
import io.peerlink.relay.internal.holepunch.HolePuncher;
import io.peerlink.relay.internal.holepunch.ObservedAddresses;
import io.peerlink.relay.spi.RelayHopOptions;
import io.peerlink.relay.spi.RelayServerProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A peer that connects wherever the other peer is: the one object an application builds. It
 * listens, dials, keeps itself reachable through relays (one set by address, or several kept by
 * AutoRelay), punches holes through NATs (DCUtR), finds out whether it is reachable (AutoNAT), and
 * reaches a peer in {@link #dialWithPriority} over every path at once, happy-eyeballs style: direct
 * addresses first, every known relay shortly after, the first usable connection returned and a
 * hole punch going on behind it; a peer it dialed is kept reached when a path dies.
 *
 * <pre>{@code
 * Manager m = Manager.builder(Identity.loadOrCreate(Path.of("peer.pem")))
 *     .listenOn(Multiaddr.parse("/ip4/0.0.0.0/tcp/4001"))
 *     .eventListener(new EventListener() {
 *       public void reservationEnd(PeerId relay, List<Multiaddr> addrs, Instant expires, boolean renewal) {
 *         System.out.println("reachable at " + addrs);
 *       }
 *     })
 *     .build().start().join();
 * m.setRelayAddr(Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/12D3KooW…"));
 * m.connectRelay().join();                       // reachable through the relay from now on
 * Peer p = m.dialWithPriority(target, knownAddrs).join();
 * }</pre>
 *
 * <p>Everything the manager does is reported to its {@link EventListener}s. Thread-safe.
 */
public final class Manager implements AutoCloseable {
  private final Listener listener;
  private final Connector connector;
  private final RelayClient client;
  private final RelayService hop;
  private final ConfiguredRelays relays;
  private final RelayHopOptions hopOptions;
  private final AutoRelay autoRelay;
  private final ObservedAddresses observed;
  private final HolePuncher puncher;
  private final PriorityDialer priority;
  private final Reconnector reconnector;
  private final DialConfig dialConfig;
  private RelayProbe relayProbe; // guarded by this
  private final AutoNatServer autoNatServer;
  private final AutoNatClient autoNatClient;
  private final KadDht dht; // null: the DHT is off
  private volatile boolean started;

  private Manager(Builder b) {
    Listener.Builder lb = Listener.builder(b.identity).config(b.config).limits(b.listenerLimits);
    if (b.listenNowhere) {
      lb.listenNowhere();
    } else {
      List<Multiaddr> listen = b.listenAddrs.isEmpty() ? List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0")) : b.listenAddrs;
      listen.forEach(lb::listenOn);
    }
    b.handlers.forEach(lb::handler);
    b.eventListeners.forEach(lb::eventListener);
    if (b.eventListenerFactory != null) {
      lb.eventListenerFactory(b.eventListenerFactory);
    }
    if (b.eventExecutor != null) {
      lb.eventExecutor(b.eventExecutor);
    }
    if (b.eventLoopGroup != null) {
      lb.eventLoopGroup(b.eventLoopGroup);
    }
    this.listener = lb.build();
    this.connector = Connector.sharing(listener).build();
    this.client = RelayClient.create(listener, b.clientConfig);
    b.limitedProtocols.forEach(client::allowOnLimitedConnections);
    this.hop = RelayService.create(client, listener, b.serviceConfig, b.provider);
    this.relays = new ConfiguredRelays(client, b.serviceConfig);
    this.hopOptions = b.hopOptions;
    this.dht = b.dht == null ? null : new KadDht(Host.of(listener), b.dht);
    if (b.autoRelayConfig != null) {
      autoRelay = AutoRelay.create(client, listener, b.autoRelayConfig);
      if (!b.autoRelayCandidates.isEmpty()) {
        autoRelay.addSource(CandidateSource.of(b.autoRelayCandidates));
      }
      b.autoRelayPreferred.forEach(autoRelay::addPreferredRelay);
      b.autoRelaySources.forEach(autoRelay::addSource);
      autoRelay.addSource(IdentifyCandidateSource.watching(listener, b.autoRelayConfig.maxCandidates()));
      if (dht != null) {
        autoRelay.addSource(new DhtCandidateSource(dht, Host.of(listener)));
      }
    } else {
      autoRelay = null;
    }
    this.observed = new ObservedAddresses(b.addressFilter, b.confirmations);
    observed.attach(Host.of(listener));
    this.puncher = b.holePunch == null ? null : new HolePuncher(Host.of(listener), observed, b.holePunch).start();
    AutoNatConfig nat = b.autoNat;
    this.autoNatServer = nat == null || !nat.server() ? null
        : new AutoNatServer(Host.of(listener), b.addressFilter, nat).start();
    this.autoNatClient = nat == null || !nat.client() ? null
        : new AutoNatClient(Host.of(listener), observed, nat);
    if (autoNatClient != null && autoRelay != null) {
      // AutoRelay runs while reachability is PRIVATE or UNKNOWN: suspended once it is PUBLIC,
      // resumed when that ends.
      autoNatClient.watch((previous, current) -> {
        if (current == Reachability.PUBLIC) {
          autoRelay.suspend();
        } else if (started) {
          try {
            autoRelay.start();
          } catch (IllegalStateException closed) {
            // The manager closed meanwhile: nothing to resume.
          }
        }
      });
    }
    if (dht != null && autoNatClient != null) {
      autoNatClient.watch((previous, current) -> dht.reachabilityChanged(current));
    }
    RelayRoutes routes = new RelayRoutes(client, Host.of(listener).addressBook(), relays::all);
    this.dialConfig = b.dialConfig;
    this.priority = new PriorityDialer(Host.of(listener), client, routes, puncher, b.punchTimeout, b.dialConfig);
    this.reconnector = new Reconnector(Host.of(listener), b.dialConfig, puncher,
        (peer, addrs) -> priority.dial(peer, addrs).thenApply(DialReport::peer));
  }

  /**
   * A builder for a manager with this identity.
   *
   * @param identity the identity (key pair) to use
   * @return a new builder
   */
  public static Builder builder(Identity identity) {
    return new Builder(Objects.requireNonNull(identity, "identity"));
  }

  /**
   * Binds the listen addresses and starts AutoNAT and AutoRelay as configured.
   *
   * @return a future that completes with this manager once it listens
   */
  public CompletableFuture<Manager> start() {
    return listener.start().thenApply(l -> {
      started = true;
      synchronized (this) {
        if (relayProbe == null) {
          relayProbe = new RelayProbe(Host.of(listener), client, dialConfig.relayProbeInterval(),
              dialConfig.relayProbeTimeout());
        }
      }
      if (dht != null) {
        dht.start();
        dht.reachabilityChanged(reachability());
        if (!dht.config().bootstrap().isEmpty()) {
          dht.bootstrap(); // in the background: the peer is usable before it has joined
        }
      }
      if (autoNatClient != null) {
        autoNatClient.start();
      }
      if (autoRelay != null && reachability() != Reachability.PUBLIC) {
        autoRelay.start();
      }
      return this;
    });
  }

  // ------------------------------------------------------------------ who we are, what is open

  /** {@return our peer ID} */
  public PeerId peerId() {
    return listener.peerId();
  }

  /** {@return the listener: bound addresses, inbound limits and their statistics} */
  public Listener listener() {
    return listener;
  }

  /** {@return every address we can be reached at: bound ones, then relayed ones while reserved} */
  public List<Multiaddr> listenAddresses() {
    LinkedHashSet<Multiaddr> all = new LinkedHashSet<>(listener.listenAddresses());
    all.addAll(client.relayedAddresses());
    return List.copyOf(all);
  }

  /**
   * The handle over every connection to {@code peer}, direct, punched and relayed: streams open on
   * the best one, move to a better one when a punch wins, and fall back to the relayed one when the
   * direct one dies (see {@link PeerHandle}).
   *
   * @param peer the remote peer
   * @return its handle; empty when no connection to it is open
   */
  public Optional<PeerHandle> handle(PeerId peer) {
    return listener.handle(peer);
  }

  /** {@return the open connections, inbound and outbound, direct and relayed} */
  public Collection<Peer> peers() {
    return listener.peers();
  }

  /**
   * {@return our addresses as other peers observe them (identify), confirmed by enough of them and
   * passing the public-address filter}
   */
  public List<Multiaddr> observedAddresses() {
    return observed.confirmed();
  }

  /** {@return what AutoNAT found out about our reachability; UNKNOWN when AutoNAT's client is off} */
  public Reachability reachability() {
    return autoNatClient == null ? Reachability.UNKNOWN : autoNatClient.reachability();
  }

  // ------------------------------------------------------------------ dialing

  /**
   * Dials any multiaddr ending in {@code /p2p/<id>}, {@code /p2p-circuit} ones included.
   *
   * @param addr a multiaddr ending in {@code /p2p/<id>}
   * @return a future that completes with the connected peer
   */
  public CompletableFuture<Peer> connect(Multiaddr addr) {
    return connector.connect(addr);
  }

  /**
   * Reaches {@code target} the best way known and returns the first usable connection: an open
   * direct connection if there is one; else the direct addresses raced (happy eyeballs), and
   * {@link DialConfig#relayDelay()} later (at once without direct addresses, or once they all
   * failed) a relayed connection through every relay known to reach the peer: the relays of the
   * {@code /p2p-circuit} addresses given, those the peer announced in identify, the relays set
   * with {@link #setRelayAddr} and those we hold reservations on (AutoRelay's). Whichever connects
   * first is returned; a hole punch over the relayed connection, or a slower direct dial, goes on
   * in the background and shows as {@code holePunchEnd}/{@code dialStageEnd} and
   * {@code connectionOpened} events, after which the next dial returns the direct connection.
   * Fails naming every stage when nothing works.
   *
   * <p>The future holds the peer's {@link PeerHandle} (as {@link #handle} returns it), not the one
   * connection that won: its new streams open on the best connection open at the time, so once
   * the punch or the slower direct dial succeeds they go there, while the relayed connection is
   * kept as the fallback. Its {@code path()} describes the connection it selects now, which is the
   * one that won when the future completes. {@link #dialWithReport} gives the winning connection
   * itself.
   *
   * @param target the peer to reach
   * @param directAddrs the peer's addresses, direct and {@code /p2p-circuit} ones; may be empty
   * @return a future that completes with the peer's handle once its first usable connection is up
   */
  public CompletableFuture<Peer> dialWithPriority(PeerId target, List<Multiaddr> directAddrs) {
    return dialWithReport(target, directAddrs).thenApply(report -> handleOver(report.peer()));
  }

  /** The handle of {@code connection}'s peer; the connection itself if it closed meanwhile. */
  private Peer handleOver(Peer connection) {
    // Every ready connection joins its peer's handle before the dial hears of it, so the handle
    // is there unless the connection has closed already (and the peer was given up).
    return listener.handle(connection.peerId()).<Peer>map(h -> h).orElse(connection);
  }

  /**
   * As {@link #dialWithPriority}, with the path that won and each stage's outcome and timing.
   *
   * @param target the peer to reach
   * @param directAddrs the peer's addresses, direct and {@code /p2p-circuit} ones; may be empty
   * @return a future that completes with the report
   */
  public CompletableFuture<DialReport> dialWithReport(PeerId target, List<Multiaddr> directAddrs) {
    Objects.requireNonNull(target, "target");
    if (directAddrs.isEmpty() && dht != null && listener.peers().stream().noneMatch(p -> p.peerId().equals(target))) {
      // Known only by its ID: the DHT says where it is, /p2p-circuit addresses included.
      return dht.findPeer(target).thenCompose(found -> dialKnown(target, found));
    }
    return dialKnown(target, List.copyOf(directAddrs));
  }

  private CompletableFuture<DialReport> dialKnown(PeerId target, List<Multiaddr> addrs) {
    return priority.dial(target, addrs).thenApply(report -> {
      reconnector.keep(target, addrs);
      return report;
    });
  }

  /**
   * Reaches {@code target} known only by its peer ID: as {@link #dialWithPriority} with no
   * addresses, which asks the DHT where the peer is when we are not connected to it.
   *
   * @param target the peer to reach
   * @return a future that completes with the first usable connection
   */
  public CompletableFuture<Peer> dial(PeerId target) {
    return dialWithPriority(target, List.of());
  }

  /**
   * {@return the Kademlia DHT: find peers, records and providers}
   *
   * @throws IllegalStateException if the DHT is off ({@link Builder#dht})
   */
  public Dht dht() {
    if (dht == null) {
      throw new IllegalStateException("the DHT is off (Builder.dht(DhtConfig))");
    }
    return dht;
  }

  /**
   * Stops winning back lost paths to {@code target}: after a successful
   * {@link #dialWithPriority}, the manager re-dials a peer whose direct connection died (directly,
   * or by a hole punch) and whose relayed connection died (through another relay), with backoff
   * ({@link DialConfig#reconnectAttempts()}), until this is called.
   *
   * @param target the peer
   * @return whether it was kept
   */
  public boolean stopReconnecting(PeerId target) {
    return reconnector.forget(target);
  }

  /**
   * Punches a hole to the peer at the other end of {@code relayed} now (DCUtR, as the initiator),
   * instead of waiting for the automatic punch of an inbound relayed connection.
   *
   * @param relayed a relayed connection to the peer
   * @return a future that completes with the direct connection
   * @throws IllegalStateException if hole punching is off
   */
  public CompletableFuture<Peer> holePunch(Peer relayed) {
    if (puncher == null) {
      throw new IllegalStateException("hole punching is off (Builder.holePunching(null))");
    }
    return puncher.punch(relayed);
  }

  // ------------------------------------------------------------------ relays set by address

  /**
   * Adds a relay; it is reserved on by {@link #connectRelay()} (dialing through it reserves
   * nothing). Setting a second relay adds it beside the first, whose reservation stays: every
   * relay set is a way in and a way to dial. Setting a relay already set (same peer ID) replaces
   * its address. The last relay set is the current one ({@link #relayAddr()}, {@link #relayState()},
   * {@link #dialViaRelay}). Failures are retried with backoff, and a lost relay is reconnected.
   *
   * @param relayAddr the relay's multiaddr, ending in {@code /p2p/<relay id>}
   */
  public void setRelayAddr(Multiaddr relayAddr) {
    relays.add(relayAddr);
  }

  /**
   * Removes a relay set with {@link #setRelayAddr}: its reservation is cancelled.
   *
   * @param relay the relay's peer ID
   * @return whether it was set
   */
  public boolean removeRelayAddr(PeerId relay) {
    return relays.remove(relay);
  }

  /** {@return the current relay: the last one set, if any} */
  public Optional<Multiaddr> relayAddr() {
    return relays.current();
  }

  /** {@return every relay set, in the order they were first set} */
  public List<Multiaddr> relayAddrs() {
    return relays.all();
  }

  /** {@return whether a relay is set} */
  public boolean hasRelay() {
    return relays.current().isPresent();
  }

  /** {@return the state of the current relay} */
  public RelayState relayState() {
    return relays.state();
  }

  /**
   * Connects to every relay set and reserves a slot on each, so peers can reach us through them;
   * keeps retrying with backoff (each try is reported as a {@code relayStateChanged} event).
   *
   * @return a future that completes with the current relay's reservation, or fails if its first try fails
   * @throws IllegalStateException if no relay is set
   */
  public CompletableFuture<Reservation> connectRelay() {
    return relays.connect();
  }

  /**
   * Dials {@code target} through the current relay (connecting to the relay if needed, reserving
   * nothing there); a relayed connection to {@code target} through it that is open already is
   * returned instead of a new circuit.
   *
   * @param target the peer to reach
   * @return a future that completes with the relayed connection
   * @throws IllegalStateException if no relay is set
   */
  public CompletableFuture<Peer> dialViaRelay(PeerId target) {
    return relays.dialViaRelay(target);
  }

  // ------------------------------------------------------------------ reservations

  /**
   * Reserves a slot on {@code relay} once (no retries, no reconnection: {@link #setRelayAddr} and
   * AutoRelay do those); the reservation is refreshed before it expires while the connection lasts.
   *
   * @param relay the relay's multiaddr, ending in {@code /p2p/<relay id>}
   * @return a future that completes with the reservation
   */
  public CompletableFuture<Reservation> reserve(Multiaddr relay) {
    return client.reserve(relay);
  }

  /** {@return the reservations held now, on every relay} */
  public List<Reservation> reservations() {
    return client.reservations();
  }

  /** {@return our addresses through relays (each ends in {@code /p2p-circuit/p2p/<our id>})} */
  public List<Multiaddr> relayedAddresses() {
    return client.relayedAddresses();
  }

  // ------------------------------------------------------------------ serving as a relay

  /**
   * Serves as a relay for other peers (needs relay-server on the class or module path). With the
   * DHT on, also announces this peer as a provider of {@link Dht#RELAY_RENDEZVOUS}, where
   * AutoRelay's DHT source looks for relays first.
   */
  public void enableRelay() {
    hop.enable(hopOptions);
    if (dht != null) {
      dht.provide(Dht.RELAY_RENDEZVOUS);
    }
  }

  /**
   * Stops serving as a relay.
   *
   * @return a future that completes once the relay has stopped
   */
  public CompletableFuture<Void> disableRelay() {
    if (dht != null) {
      dht.stopProviding(Dht.RELAY_RENDEZVOUS);
    }
    return hop.disable();
  }

  /** {@return whether this peer serves as a relay} */
  public boolean isRelayEnabled() {
    return hop.isEnabled();
  }

  /**
   * Stops serving as a relay, drops the relays, closes every connection and the listener. Returns
   * within {@code PeerConfig.closeTimeout()} plus {@code PeerConfig.FORCED_CLOSE_BOUND}: connections
   * that do not close gracefully in time are closed forcibly.
   */
  @Override
  public void close() {
    if (dht != null) {
      dht.close();
    }
    reconnector.close();
    synchronized (this) {
      if (relayProbe != null) {
        relayProbe.close();
      }
    }
    if (autoRelay != null) {
      autoRelay.stop();
    }
    if (puncher != null) {
      puncher.close();
    }
    if (autoNatClient != null) {
      autoNatClient.close();
    }
    if (autoNatServer != null) {
      autoNatServer.close();
    }
    relays.close();
    hop.close();
    client.close();
    connector.close();
    listener.close();
  }

  /**
   * Builds a {@link Manager}: every setting of every part in one place, checked in
   * {@link #build()}. Each setting names its default.
   */
  public static final class Builder {
    private final Identity identity;
    private PeerConfig config = PeerConfig.defaults();
    private ListenerLimits listenerLimits = ListenerLimits.defaults();
    private final List<Multiaddr> listenAddrs = new ArrayList<>();
    private boolean listenNowhere;
    private final Map<String, StreamHandler> handlers = new LinkedHashMap<>();
    private final Set<String> limitedProtocols = new LinkedHashSet<>();
    private final List<EventListener> eventListeners = new ArrayList<>();
    private EventListener.Factory eventListenerFactory;
    private Executor eventExecutor;
    private EventLoopGroup eventLoopGroup;
    private RelayClientConfig clientConfig = RelayClientConfig.defaults();
    private RelayServiceConfig serviceConfig = RelayServiceConfig.defaults();
    private RelayServerProvider provider;
    private RelayHopOptions hopOptions = RelayHopOptions.defaults();
    private AutoRelayConfig autoRelayConfig;
    private final List<Multiaddr> autoRelayCandidates = new ArrayList<>();
    private final List<Multiaddr> autoRelayPreferred = new ArrayList<>();
    private final List<CandidateSource> autoRelaySources = new ArrayList<>();
    private AddressFilter addressFilter = AddressFilter.internet();
    private int confirmations = 2;
    private HolePunchConfig holePunch = HolePunchConfig.defaults();
    private Duration punchTimeout = Duration.ofSeconds(30);
    private DialConfig dialConfig = DialConfig.defaults();
    private AutoNatConfig autoNat = AutoNatConfig.defaults();
    private DhtConfig dht;

    private Builder(Identity identity) {
      this.identity = identity;
    }

    /**
     * Connection settings; default {@link PeerConfig#defaults()}.
     *
     * @param v the settings
     * @return this builder
     */
    public Builder config(PeerConfig v) {
      config = Objects.requireNonNull(v, "config");
      return this;
    }

    /**
     * Limits on inbound connections; default {@link ListenerLimits#defaults()}.
     *
     * @param v the limits
     * @return this builder
     */
    public Builder listenerLimits(ListenerLimits v) {
      listenerLimits = Objects.requireNonNull(v, "limits");
      return this;
    }

    /**
     * An address to listen on; repeatable. Default {@code /ip4/0.0.0.0/tcp/0}.
     *
     * @param v the address
     * @return this builder
     */
    public Builder listenOn(Multiaddr v) {
      listenAddrs.add(Objects.requireNonNull(v, "address"));
      return this;
    }

    /**
     * Binds no address (see {@link Listener.Builder#listenNowhere()}): the manager dials, serves
     * over the connections it opened, and is reached through its relays' circuits. Excludes
     * {@link #listenOn}.
     *
     * @return this builder
     */
    public Builder listenNowhere() {
      this.listenNowhere = true;
      return this;
    }

    /**
     * Serves {@code protocol} on every connection (not over limited relayed ones).
     *
     * @param protocol the protocol ID, for example {@code /echo/1.0.0}
     * @param handler sets up each stream (its pipeline) once the protocol is agreed
     * @return this builder
     */
    public Builder handler(String protocol, StreamHandler handler) {
      handlers.put(Objects.requireNonNull(protocol, "protocol"), Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * Serves {@code protocol} on every connection, limited relayed ones included.
     *
     * @param protocol the protocol ID, for example {@code /echo/1.0.0}
     * @param handler sets up each stream (its pipeline) once the protocol is agreed
     * @return this builder
     */
    public Builder handlerOnLimitedConnections(String protocol, StreamHandler handler) {
      handler(protocol, handler);
      limitedProtocols.add(protocol);
      return this;
    }

    /**
     * Observes everything this manager does; repeatable.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder eventListener(EventListener listener) {
      eventListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Makes a listener per connection for the connection events; without one, connection events go
     * to the {@link #eventListener} listeners.
     *
     * @param factory makes each connection's listener
     * @return this builder
     */
    public Builder eventListenerFactory(EventListener.Factory factory) {
      eventListenerFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Where event listeners run, one event at a time and in order; default the common fork-join
     * pool.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder eventExecutor(Executor executor) {
      eventExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Runs the manager's connections on this Netty event loop group instead of one of its own
     * (default: a group of twice the cores' threads per manager); the group is not shut down on
     * close. Many managers in one process (a simulation, a test network) share one group, so
     * they do not each start their own threads. The group must be of the transport peer-core
     * picks (epoll where it loads, NIO otherwise), as {@code Listener.Builder.eventLoopGroup}.
     *
     * @param group the group
     * @return this builder
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      eventLoopGroup = Objects.requireNonNull(group, "group");
      return this;
    }

    /**
     * Relay client settings; default {@link RelayClientConfig#defaults()}.
     *
     * @param v the settings
     * @return this builder
     */
    public Builder relayClientConfig(RelayClientConfig v) {
      clientConfig = Objects.requireNonNull(v, "config");
      return this;
    }

    /**
     * Settings of the relay set by address (backoff); default {@link RelayServiceConfig#defaults()}.
     *
     * @param v the settings
     * @return this builder
     */
    public Builder relayServiceConfig(RelayServiceConfig v) {
      serviceConfig = Objects.requireNonNull(v, "config");
      return this;
    }

    /**
     * The relay server for {@link Manager#enableRelay()}; default: found with
     * {@link java.util.ServiceLoader} (relay-server provides one).
     *
     * @param v the provider
     * @return this builder
     */
    public Builder relayServerProvider(RelayServerProvider v) {
      provider = Objects.requireNonNull(v, "provider");
      return this;
    }

    /**
     * How {@link Manager#enableRelay()} serves; default {@link RelayHopOptions#defaults()}.
     *
     * @param v the options
     * @return this builder
     */
    public Builder relayHopOptions(RelayHopOptions v) {
      hopOptions = Objects.requireNonNull(v, "options");
      return this;
    }

    /**
     * Keeps this peer reachable through several relays with AutoRelay, started by
     * {@link Manager#start()}: {@code candidates} (each {@code <transport>/p2p/<relay id>}) are its
     * static source, and relays the peer meets through identify are candidates too. Off by
     * default.
     *
     * @param config AutoRelay's settings
     * @param candidates relays to reserve on, {@code <transport>/p2p/<relay id>} each
     * @return this builder
     */
    public Builder autoRelay(AutoRelayConfig config, List<Multiaddr> candidates) {
      autoRelayConfig = Objects.requireNonNull(config, "config");
      autoRelayCandidates.addAll(candidates);
      return this;
    }

    /**
     * A relay AutoRelay reserves on before any other; needs {@link #autoRelay}. Repeatable.
     *
     * @param relay the relay's multiaddr, {@code <transport>/p2p/<relay id>}
     * @return this builder
     */
    public Builder preferredRelay(Multiaddr relay) {
      autoRelayPreferred.add(Objects.requireNonNull(relay, "relay"));
      return this;
    }

    /**
     * Another candidate source for AutoRelay (a DHT, say); needs {@link #autoRelay}. Repeatable.
     *
     * @param source the candidate source
     * @return this builder
     */
    public Builder relayCandidateSource(CandidateSource source) {
      autoRelaySources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /**
     * What counts as a public address (observed addresses, DCUtR, AutoNAT); default
     * {@link AddressFilter#internet()}.
     *
     * @param v the filter
     * @return this builder
     */
    public Builder publicAddressFilter(AddressFilter v) {
      addressFilter = Objects.requireNonNull(v, "filter");
      return this;
    }

    /**
     * How many distinct peers must observe an address before identify advertises it; default 2.
     *
     * @param v at least 1
     * @return this builder
     */
    public Builder observedAddressConfirmations(int v) {
      confirmations = v;
      return this;
    }

    /**
     * Hole punching settings; null turns hole punching (DCUtR) off. Default
     * {@link HolePunchConfig#defaults()} (on).
     *
     * @param v the settings, or null
     * @return this builder
     */
    public Builder holePunching(HolePunchConfig v) {
      holePunch = v;
      return this;
    }

    /**
     * AutoNAT v1 settings (client and server, both on by default; the public-address filter is
     * {@link #publicAddressFilter}'s); null turns AutoNAT off. With AutoNAT's client on and
     * {@link #autoRelay} configured, AutoRelay stops while reachability is PUBLIC.
     *
     * @param v the settings, or null
     * @return this builder
     */
    public Builder autoNat(AutoNatConfig v) {
      autoNat = v;
      return this;
    }

    /**
     * How {@link Manager#dialWithPriority} stages its dials and how the manager keeps peers
     * reached; default {@link DialConfig#defaults()}.
     *
     * @param v the settings
     * @return this builder
     */
    public Builder dialConfig(DialConfig v) {
      dialConfig = Objects.requireNonNull(v, "config");
      return this;
    }

    /**
     * Joins the Kademlia DHT ({@code /ipfs/kad/1.0.0}) with these settings: {@link Manager#dht()}
     * then finds peers, records and providers, and {@link Manager#dial(PeerId)} finds a peer's
     * addresses through it. Off by default.
     *
     * @param v the settings, or null for off
     * @return this builder
     */
    public Builder dht(DhtConfig v) {
      dht = v;
      return this;
    }

    /**
     * How long a hole punch beside a relayed connection is awaited in the background after
     * {@link Manager#dialWithPriority} returned the relayed connection; default 30 s.
     *
     * @param v a positive duration
     * @return this builder
     */
    public Builder punchTimeout(Duration v) {
      punchTimeout = Objects.requireNonNull(v, "timeout");
      return this;
    }

    /**
     * Checks the settings and builds the manager; {@link Manager#start()} binds it.
     *
     * @return the new manager
     * @throws IllegalStateException if AutoRelay options are given without {@link #autoRelay}
     * @throws IllegalArgumentException if a value is out of range
     */
    public Manager build() {
      if (autoRelayConfig == null && (!autoRelayPreferred.isEmpty() || !autoRelaySources.isEmpty())) {
        throw new IllegalStateException("preferredRelay and relayCandidateSource need autoRelay(config, candidates)");
      }
      if (confirmations < 1) {
        throw new IllegalArgumentException("observedAddressConfirmations must be >= 1, was " + confirmations);
      }
      if (punchTimeout.isNegative() || punchTimeout.isZero()) {
        throw new IllegalArgumentException("punchTimeout must be positive, was " + punchTimeout);
      }
      return new Manager(this);
    }
  }
}
