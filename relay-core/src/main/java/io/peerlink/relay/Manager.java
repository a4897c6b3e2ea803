package io.peerlink.relay;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.autorelay.AutoRelay;
import io.peerlink.relay.autorelay.AutoRelayConfig;
import io.peerlink.relay.autorelay.CandidateSource;
import io.peerlink.relay.autorelay.IdentifyCandidateSource;
import io.peerlink.relay.spi.RelayHopOptions;
import io.peerlink.relay.spi.RelayServerProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A peer that connects wherever the other peer is: the seed's Manager. It listens, dials, keeps a
 * relay ({@link RelayService}) and orders the ways to reach a peer in {@link #dialWithPriority}:
 * direct first, then a hole punch (DCUtR) over a relayed connection, then that relayed connection.
 *
 * <pre>{@code
 * Manager m = Manager.builder(Identity.loadOrCreate(Path.of("peer.pem")))
 *     .listenOn(Multiaddr.parse("/ip4/0.0.0.0/tcp/4001"))
 *     .build().start().join();
 * m.setRelayAddr(Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/12D3KooW…"));  // connected on first need
 * m.relayService().connect().join();   // reachable through the relay from now on
 * Peer p = m.dialWithPriority(target, knownAddrs).join();
 * }</pre>
 *
 * <p>With {@link Builder#autoRelay} the manager keeps itself reachable through several relays at
 * once ({@link AutoRelay}), started with the manager and stopped when it closes.
 *
 * <p>Thread-safe.
 */
public final class Manager implements AutoCloseable {
  private final Listener listener;
  private final Connector connector;
  private final RelayClient client;
  private final RelayService relay;
  private final RelayHopOptions hopOptions;
  private final AutoRelay autoRelay;
  private volatile boolean started;
  private final io.peerlink.relay.holepunch.ObservedAddresses observed;
  private final io.peerlink.relay.holepunch.HolePuncher puncher;
  private final PriorityDialer priority;
  private final io.peerlink.relay.autonat.AutoNatServer autoNatServer;
  private final io.peerlink.relay.autonat.AutoNatClient autoNatClient;

  private Manager(Builder b) {
    Listener.Builder lb = Listener.builder(b.identity).config(b.config);
    List<Multiaddr> listen = b.listenAddrs.isEmpty() ? List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0")) : b.listenAddrs;
    listen.forEach(lb::listenOn);
    b.handlers.forEach(lb::handler);
    b.connectionListeners.forEach(lb::onConnection);
    this.listener = lb.build();
    this.connector = Connector.sharing(listener).build();
    this.client = RelayClient.create(listener, b.clientConfig);
    b.limitedProtocols.forEach(client::allowOnLimitedConnections);
    this.relay = RelayService.create(client, listener, b.serviceConfig, b.provider);
    this.hopOptions = b.hopOptions;
    if (b.autoRelayConfig != null) {
      autoRelay = AutoRelay.create(client, listener, b.autoRelayConfig);
      if (!b.autoRelayCandidates.isEmpty()) {
        autoRelay.addSource(CandidateSource.of(b.autoRelayCandidates));
      }
      b.autoRelayPreferred.forEach(autoRelay::addPreferredRelay);
      b.autoRelaySources.forEach(autoRelay::addSource);
      autoRelay.addSource(IdentifyCandidateSource.watching(listener, b.autoRelayConfig.maxCandidates()));
    } else {
      autoRelay = null;
    }
    this.observed = new io.peerlink.relay.holepunch.ObservedAddresses(b.addressFilter, b.confirmations);
    observed.attach(listener.host());
    this.puncher = b.holePunch == null ? null
        : new io.peerlink.relay.holepunch.HolePuncher(listener.host(), observed, b.holePunch).start();
    io.peerlink.relay.autonat.AutoNatConfig nat = b.autoNat;
    this.autoNatServer = nat == null || !nat.server() ? null
        : new io.peerlink.relay.autonat.AutoNatServer(listener.host(), b.addressFilter, nat).start();
    this.autoNatClient = nat == null || !nat.client() ? null
        : new io.peerlink.relay.autonat.AutoNatClient(listener.host(), observed, nat);
    if (autoNatClient != null && autoRelay != null) {
      // AutoRelay runs while reachability is PRIVATE or UNKNOWN: suspended once it is PUBLIC,
      // resumed when that ends.
      autoNatClient.addListener(new io.peerlink.relay.autonat.ReachabilityListener() {
        @Override
        public void reachabilityChanged(io.peerlink.relay.autonat.Reachability previous,
            io.peerlink.relay.autonat.Reachability current) {
          if (current == io.peerlink.relay.autonat.Reachability.PUBLIC) {
            autoRelay.suspend();
          } else if (started) {
            try {
              autoRelay.start();
            } catch (IllegalStateException closed) {
              // The manager closed meanwhile: nothing to resume.
            }
          }
        }
      });
    }
    this.priority = new PriorityDialer(listener, connector, relay, puncher, b.punchTimeout, b.stageListeners);
  }

  /** {@return our addresses as other peers observe them (identify), with the public-address filter} */
  public io.peerlink.relay.holepunch.ObservedAddresses observedAddresses() {
    return observed;
  }

  /**
   * What AutoNAT found out about our reachability; UNKNOWN when the AutoNAT client is off
   * ({@link Builder#autoNat}).
   *
   * @return our reachability
   */
  public io.peerlink.relay.autonat.Reachability reachability() {
    return autoNatClient == null ? io.peerlink.relay.autonat.Reachability.UNKNOWN : autoNatClient.reachability();
  }

  /**
   * Tells {@code l} about every reachability change (nothing when the AutoNAT client is off).
   *
   * @param l the listener to notify
   */
  public void addReachabilityListener(io.peerlink.relay.autonat.ReachabilityListener l) {
    if (autoNatClient != null) {
      autoNatClient.addListener(l);
    }
  }

  /** {@return the AutoNAT client, or empty when it is off} */
  public Optional<io.peerlink.relay.autonat.AutoNatClient> autoNatClient() {
    return Optional.ofNullable(autoNatClient);
  }

  /** {@return the hole puncher (DCUtR), or empty when hole punching is off} */
  public Optional<io.peerlink.relay.holepunch.HolePuncher> holePuncher() {
    return Optional.ofNullable(puncher);
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
   * Binds the listen addresses and starts AutoRelay if configured; completes with this manager.
   *
   * @return a future that completes with this manager once it listens
   */
  public CompletableFuture<Manager> start() {
    return listener.start().thenApply(l -> {
      started = true;
      if (autoNatClient != null) {
        autoNatClient.start();
      }
      if (autoRelay != null && reachability() != io.peerlink.relay.autonat.Reachability.PUBLIC) {
        autoRelay.start();
      }
      return this;
    });
  }

  /** {@return the AutoRelay, when the builder configured it ({@link Builder#autoRelay}); listen to it for address changes} */
  public Optional<AutoRelay> autoRelay() {
    return Optional.ofNullable(autoRelay);
  }

  /** {@return our peer ID} */
  public PeerId peerId() {
    return listener.peerId();
  }

  /** {@return the listener (bound addresses, connections)} */
  public Listener listener() {
    return listener;
  }

  /** {@return every address we can be reached at: bound ones, then relayed ones while reserved} */
  public List<Multiaddr> listenAddresses() {
    LinkedHashSet<Multiaddr> all = new LinkedHashSet<>(listener.listenAddresses());
    all.addAll(client.relayedAddresses());
    return List.copyOf(all);
  }

  /** {@return the relay client (reservations, circuits)} */
  public RelayClient relayClient() {
    return client;
  }

  /** {@return the relay state machine} */
  public RelayService relayService() {
    return relay;
  }

  /**
   * Dials any multiaddr ending in {@code /p2p/<id>}, {@code /p2p-circuit} ones included.
   *
   * @param addr a multiaddr ending in {@code /p2p/<id>}
   * @return a future that completes with the connected peer
   */
  public CompletableFuture<Peer> connect(Multiaddr addr) {
    return connector.connect(addr);
  }

  // ------------------------------------------------------------------ relay half

  /**
   * Sets the relay; it is connected on first need ({@link #dialViaRelay}) or by {@code relayService().connect()}.
   *
   * @param relayAddr the relay's multiaddr, ending in {@code /p2p/<relay id>}
   */
  public void setRelayAddr(Multiaddr relayAddr) {
    relay.setRelay(relayAddr);
  }

  /** {@return the relay set, if any} */
  public Optional<Multiaddr> relayAddr() {
    return relay.relay();
  }

  /** {@return whether a relay is set} */
  public boolean hasRelay() {
    return relay.relay().isPresent();
  }

  /**
   * Dials {@code target} through the relay (connecting to the relay first if needed).
   *
   * @param target the peer to reach
   * @return a future that completes with the relayed connection
   * @throws IllegalStateException if no relay is set
   */
  public CompletableFuture<Peer> dialViaRelay(PeerId target) {
    return relay.dialViaRelay(target);
  }

  /** Serves as a relay for other peers (needs relay-server on the class path). */
  public void enableRelay() {
    relay.enable(hopOptions);
  }

  /**
   * Stops serving as a relay.
   *
   * @return a future that completes once the relay has stopped
   */
  public CompletableFuture<Void> disableRelay() {
    return relay.disable();
  }

  /** {@return whether this peer serves as a relay} */
  public boolean isRelayEnabled() {
    return relay.isEnabled();
  }

  /**
   * Reaches {@code target} the best way known: an open connection if there is one (direct before
   * relayed), else each of {@code directAddrs} in turn, else — with a relay set — a hole punch
   * over a relayed connection (the punched connection if it wins), else that relayed connection.
   * Fails naming every stage when nothing works. {@code peer.path()} says which path won.
   *
   * @param target the peer to reach
   * @param directAddrs addresses to try directly, in order; may be empty
   * @return a future that completes with the connection that won
   */
  public CompletableFuture<Peer> dialWithPriority(PeerId target, List<Multiaddr> directAddrs) {
    return dialWithReport(target, directAddrs).thenApply(DialReport::peer);
  }

  /**
   * As {@link #dialWithPriority}, with the path that won and each stage's outcome and timing.
   *
   * @param target the peer to reach
   * @param directAddrs addresses to try directly, in order; may be empty
   * @return a future that completes with the report
   */
  public CompletableFuture<DialReport> dialWithReport(PeerId target, List<Multiaddr> directAddrs) {
    Objects.requireNonNull(target, "target");
    return priority.dial(target, List.copyOf(directAddrs));
  }

  /** Stops serving as a relay, drops the relay, closes every connection and the listener. */
  @Override
  public void close() {
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
    relay.close();
    client.close();
    connector.close();
    listener.close();
  }

  /** Builds a {@link Manager}. */
  public static final class Builder {
    private final Identity identity;
    private PeerConfig config = PeerConfig.defaults();
    private final List<Multiaddr> listenAddrs = new ArrayList<>();
    private final Map<String, StreamHandler> handlers = new LinkedHashMap<>();
    private final Set<String> limitedProtocols = new LinkedHashSet<>();
    private final List<Consumer<Peer>> connectionListeners = new ArrayList<>();
    private RelayClientConfig clientConfig = RelayClientConfig.defaults();
    private RelayServiceConfig serviceConfig = RelayServiceConfig.defaults();
    private RelayServerProvider provider;
    private RelayHopOptions hopOptions = RelayHopOptions.defaults();
    private AutoRelayConfig autoRelayConfig;
    private final List<Multiaddr> autoRelayCandidates = new ArrayList<>();
    private final List<Multiaddr> autoRelayPreferred = new ArrayList<>();
    private final List<CandidateSource> autoRelaySources = new ArrayList<>();
    private io.peerlink.core.multiaddr.AddressFilter addressFilter =
        io.peerlink.core.multiaddr.AddressFilter.internet();
    private int confirmations = 2;
    private io.peerlink.relay.holepunch.HolePunchConfig holePunch =
        io.peerlink.relay.holepunch.HolePunchConfig.defaults();
    private java.time.Duration punchTimeout = java.time.Duration.ofSeconds(30);
    private final List<Consumer<DialStage>> stageListeners = new ArrayList<>();
    private io.peerlink.relay.autonat.AutoNatConfig autoNat = io.peerlink.relay.autonat.AutoNatConfig.defaults();

    private Builder(Identity identity) {
      this.identity = identity;
    }

    /**
     * Connection settings; default {@link PeerConfig#defaults()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder config(PeerConfig v) {
      config = Objects.requireNonNull(v);
      return this;
    }

    /**
     * An address to listen on; repeatable. Default {@code /ip4/0.0.0.0/tcp/0}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder listenOn(Multiaddr v) {
      listenAddrs.add(Objects.requireNonNull(v));
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
      handlers.put(Objects.requireNonNull(protocol), Objects.requireNonNull(handler));
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
     * Called for every connection once ready (direct and relayed); must not block.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder onConnection(Consumer<Peer> v) {
      connectionListeners.add(Objects.requireNonNull(v));
      return this;
    }

    /**
     * Relay client settings.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder relayClientConfig(RelayClientConfig v) {
      clientConfig = Objects.requireNonNull(v);
      return this;
    }

    /**
     * Relay service settings (backoff, listener executor).
     *
     * @param v the new value
     * @return this builder
     */
    public Builder relayServiceConfig(RelayServiceConfig v) {
      serviceConfig = Objects.requireNonNull(v);
      return this;
    }

    /**
     * The relay server for {@link Manager#enableRelay()}; default: found with {@link java.util.ServiceLoader}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder relayServerProvider(RelayServerProvider v) {
      provider = v;
      return this;
    }

    /**
     * How {@link Manager#enableRelay()} serves.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder relayHopOptions(RelayHopOptions v) {
      hopOptions = Objects.requireNonNull(v);
      return this;
    }

    /**
     * Keeps this peer reachable through relays with {@link AutoRelay}, started by
     * {@link Manager#start()}: {@code candidates} (each {@code <transport>/p2p/<relay id>}) are its
     * static source, and relays the peer meets through identify are candidates too.
     *
     * @param config AutoRelay's settings
     * @param candidates relays to reserve on, {@code <transport>/p2p/<relay id>} each
     * @return this builder
     */
    public Builder autoRelay(AutoRelayConfig config, List<Multiaddr> candidates) {
      autoRelayConfig = Objects.requireNonNull(config);
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
      autoRelayPreferred.add(Objects.requireNonNull(relay));
      return this;
    }

    /**
     * Another candidate source for AutoRelay (a DHT, say); needs {@link #autoRelay}. Repeatable.
     *
     * @param source the candidate source
     * @return this builder
     */
    public Builder relayCandidateSource(CandidateSource source) {
      autoRelaySources.add(Objects.requireNonNull(source));
      return this;
    }

    /**
     * What counts as a public address (observed addresses, DCUtR, AutoNAT); default
     * {@link io.peerlink.core.multiaddr.AddressFilter#internet()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder publicAddressFilter(io.peerlink.core.multiaddr.AddressFilter v) {
      addressFilter = Objects.requireNonNull(v);
      return this;
    }

    /**
     * How many distinct peers must observe an address before identify advertises it; default 2.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder observedAddressConfirmations(int v) {
      confirmations = v;
      return this;
    }

    /**
     * Hole punching settings; null turns hole punching (DCUtR) off. Default on.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder holePunching(io.peerlink.relay.holepunch.HolePunchConfig v) {
      holePunch = v;
      return this;
    }

    /**
     * AutoNAT v1 settings (client and server, both on by default; the public-address filter is
     * {@link #publicAddressFilter}'s); null turns AutoNAT off. With AutoNAT's client on and
     * {@link #autoRelay} configured, AutoRelay stops once reachability is PUBLIC.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder autoNat(io.peerlink.relay.autonat.AutoNatConfig v) {
      autoNat = v;
      return this;
    }

    /**
     * How long {@link Manager#dialWithPriority}'s hole punch stage waits; default 30 s.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder punchTimeout(java.time.Duration v) {
      punchTimeout = Objects.requireNonNull(v);
      return this;
    }

    /**
     * Called with each stage of every {@link Manager#dialWithPriority} as it ends; must not block.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder onDialStage(Consumer<DialStage> v) {
      stageListeners.add(Objects.requireNonNull(v));
      return this;
    }

    /**
     * Builds the manager; {@link Manager#start()} binds it.
     *
     * @return the new {@code Manager}
     */
    public Manager build() {
      if (autoRelayConfig == null && (!autoRelayPreferred.isEmpty() || !autoRelaySources.isEmpty())) {
        throw new IllegalStateException("preferredRelay and relayCandidateSource need autoRelay(config, candidates)");
      }
      return new Manager(this);
    }
  }
}
