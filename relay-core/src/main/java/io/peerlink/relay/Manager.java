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
 * direct first, then through the relay (hole punching will sit between them).
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
  }

  /** A builder for a manager with this identity. */
  public static Builder builder(Identity identity) {
    return new Builder(Objects.requireNonNull(identity, "identity"));
  }

  /** Binds the listen addresses and starts AutoRelay if configured; completes with this manager. */
  public CompletableFuture<Manager> start() {
    return listener.start().thenApply(l -> {
      if (autoRelay != null) {
        autoRelay.start();
      }
      return this;
    });
  }

  /** AutoRelay, when the builder configured it ({@link Builder#autoRelay}); listen to it for address changes. */
  public Optional<AutoRelay> autoRelay() {
    return Optional.ofNullable(autoRelay);
  }

  /** Our peer ID. */
  public PeerId peerId() {
    return listener.peerId();
  }

  /** The listener (bound addresses, connections). */
  public Listener listener() {
    return listener;
  }

  /** Every address we can be reached at: bound ones, then relayed ones while reserved. */
  public List<Multiaddr> listenAddresses() {
    LinkedHashSet<Multiaddr> all = new LinkedHashSet<>(listener.listenAddresses());
    all.addAll(client.relayedAddresses());
    return List.copyOf(all);
  }

  /** The relay client (reservations, circuits). */
  public RelayClient relayClient() {
    return client;
  }

  /** The relay state machine. */
  public RelayService relayService() {
    return relay;
  }

  /** Dials any multiaddr ending in {@code /p2p/<id>}, {@code /p2p-circuit} ones included. */
  public CompletableFuture<Peer> connect(Multiaddr addr) {
    return connector.connect(addr);
  }

  // ------------------------------------------------------------------ relay half

  /** Sets the relay; it is connected on first need ({@link #dialViaRelay}) or by {@code relayService().connect()}. */
  public void setRelayAddr(Multiaddr relayAddr) {
    relay.setRelay(relayAddr);
  }

  /** The relay set, if any. */
  public Optional<Multiaddr> relayAddr() {
    return relay.relay();
  }

  /** Whether a relay is set. */
  public boolean hasRelay() {
    return relay.relay().isPresent();
  }

  /**
   * Dials {@code target} through the relay (connecting to the relay first if needed).
   *
   * @throws IllegalStateException if no relay is set
   */
  public CompletableFuture<Peer> dialViaRelay(PeerId target) {
    return relay.dialViaRelay(target);
  }

  /** Serves as a relay for other peers (needs relay-server on the class path). */
  public void enableRelay() {
    relay.enable(hopOptions);
  }

  /** Stops serving as a relay. */
  public CompletableFuture<Void> disableRelay() {
    return relay.disable();
  }

  /** Whether this peer serves as a relay. */
  public boolean isRelayEnabled() {
    return relay.isEnabled();
  }

  /**
   * Reaches {@code target} the best way known: an open connection if there is one (direct before
   * relayed), else each of {@code directAddrs} in turn, else through the relay if one is set.
   * Fails with the last error when nothing works.
   */
  public CompletableFuture<Peer> dialWithPriority(PeerId target, List<Multiaddr> directAddrs) {
    Objects.requireNonNull(target, "target");
    Peer relayed = null;
    for (Peer p : listener.peers()) {
      if (p.peerId().equals(target) && p.isOpen()) {
        if (p.path() != ConnectionPath.RELAYED) {
          return CompletableFuture.completedFuture(p);
        }
        relayed = p;
      }
    }
    if (relayed != null && directAddrs.isEmpty()) {
      return CompletableFuture.completedFuture(relayed);
    }
    List<Multiaddr> direct = new ArrayList<>();
    for (Multiaddr a : directAddrs) {
      if (!a.isRelayed()) {
        direct.add(a.withPeerId(target));
      }
    }
    return tryDirect(target, direct, 0, null);
  }

  private CompletableFuture<Peer> tryDirect(PeerId target, List<Multiaddr> direct, int i, Throwable last) {
    if (i < direct.size()) {
      CompletableFuture<Peer> attempt;
      try {
        attempt = connector.connect(direct.get(i));
      } catch (IllegalArgumentException e) {
        attempt = CompletableFuture.failedFuture(e);
      }
      return attempt.exceptionallyCompose(err -> tryDirect(target, direct, i + 1, err));
    }
    if (hasRelay()) {
      return relay.dialViaRelay(target);
    }
    return CompletableFuture.failedFuture(last != null ? PeerException.wrap(last, PeerError.CONNECT)
        : new PeerException(PeerError.CONNECT, "no direct address for " + target + " and no relay set"));
  }

  /** Stops serving as a relay, drops the relay, closes every connection and the listener. */
  @Override
  public void close() {
    if (autoRelay != null) {
      autoRelay.stop();
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

    private Builder(Identity identity) {
      this.identity = identity;
    }

    /** Connection settings; default {@link PeerConfig#defaults()}. */
    public Builder config(PeerConfig v) {
      config = Objects.requireNonNull(v);
      return this;
    }

    /** An address to listen on; repeatable. Default {@code /ip4/0.0.0.0/tcp/0}. */
    public Builder listenOn(Multiaddr v) {
      listenAddrs.add(Objects.requireNonNull(v));
      return this;
    }

    /** Serves {@code protocol} on every connection (not over limited relayed ones). */
    public Builder handler(String protocol, StreamHandler handler) {
      handlers.put(Objects.requireNonNull(protocol), Objects.requireNonNull(handler));
      return this;
    }

    /** Serves {@code protocol} on every connection, limited relayed ones included. */
    public Builder handlerOnLimitedConnections(String protocol, StreamHandler handler) {
      handler(protocol, handler);
      limitedProtocols.add(protocol);
      return this;
    }

    /** Called for every connection once ready (direct and relayed); must not block. */
    public Builder onConnection(Consumer<Peer> v) {
      connectionListeners.add(Objects.requireNonNull(v));
      return this;
    }

    /** Relay client settings. */
    public Builder relayClientConfig(RelayClientConfig v) {
      clientConfig = Objects.requireNonNull(v);
      return this;
    }

    /** Relay service settings (backoff, listener executor). */
    public Builder relayServiceConfig(RelayServiceConfig v) {
      serviceConfig = Objects.requireNonNull(v);
      return this;
    }

    /** The relay server for {@link Manager#enableRelay()}; default: found with {@link java.util.ServiceLoader}. */
    public Builder relayServerProvider(RelayServerProvider v) {
      provider = v;
      return this;
    }

    /** How {@link Manager#enableRelay()} serves. */
    public Builder relayHopOptions(RelayHopOptions v) {
      hopOptions = Objects.requireNonNull(v);
      return this;
    }

    /**
     * Keeps this peer reachable through relays with {@link AutoRelay}, started by
     * {@link Manager#start()}: {@code candidates} (each {@code <transport>/p2p/<relay id>}) are its
     * static source, and relays the peer meets through identify are candidates too.
     */
    public Builder autoRelay(AutoRelayConfig config, List<Multiaddr> candidates) {
      autoRelayConfig = Objects.requireNonNull(config);
      autoRelayCandidates.addAll(candidates);
      return this;
    }

    /** A relay AutoRelay reserves on before any other; needs {@link #autoRelay}. Repeatable. */
    public Builder preferredRelay(Multiaddr relay) {
      autoRelayPreferred.add(Objects.requireNonNull(relay));
      return this;
    }

    /** Another candidate source for AutoRelay (a DHT, say); needs {@link #autoRelay}. Repeatable. */
    public Builder relayCandidateSource(CandidateSource source) {
      autoRelaySources.add(Objects.requireNonNull(source));
      return this;
    }

    /** Builds the manager; {@link Manager#start()} binds it. */
    public Manager build() {
      if (autoRelayConfig == null && (!autoRelayPreferred.isEmpty() || !autoRelaySources.isEmpty())) {
        throw new IllegalStateException("preferredRelay and relayCandidateSource need autoRelay(config, candidates)");
      }
      return new Manager(this);
    }
  }
}
