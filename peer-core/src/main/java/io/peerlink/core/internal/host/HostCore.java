package io.peerlink.core.internal.host;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a {@code Listener} and a {@code Connector} share: the identity, settings, event loops,
 * protocol handlers and the live connections. One {@code HostCore} may serve both, so that a peer
 * that listens also dials with the same identity and handlers.
 */
public final class HostCore {
  private final Identity identity;
  private final PeerConfig config;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final ProtocolRegistry protocols = new ProtocolRegistry();
  private final Set<PeerConnection> connections = ConcurrentHashMap.newKeySet();
  private final List<Consumer<Peer>> connectionListeners = new CopyOnWriteArrayList<>();
  private volatile Supplier<List<Multiaddr>> listenAddrs = List::of;
  // Hooks for relay-core: addresses reached through relays, dialing /p2p-circuit addresses, and
  // which protocols may run over limited (relayed) connections.
  private final List<Supplier<List<Multiaddr>>> extraListenAddrs = new CopyOnWriteArrayList<>();
  private volatile java.util.function.Function<Multiaddr, CompletableFuture<Peer>> relayedDialer;
  private final Set<String> limitedProtocols = ConcurrentHashMap.newKeySet();
  private final SecurityHandlers security;
  private final io.peerlink.core.internal.yamux.YamuxConfig yamuxConfig;
  private final EventDispatcher events = new EventDispatcher(null);
  private volatile io.peerlink.core.MessageHandler messageHandler;
  private final java.util.concurrent.ExecutorService resolver;

  /** Creates a core; with a null {@code group} it makes and later shuts down its own. */
  public HostCore(Identity identity, PeerConfig config, EventLoopGroup group) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.config = Objects.requireNonNull(config, "config");
    this.ownsGroup = group == null;
    this.group = group != null ? group : Transports.newGroup(0, "peerlink");
    this.security = new SecurityHandlers(identity, config,
        config.earlyMuxerNegotiation() ? List.of(ConnectionUpgrader.YAMUX) : List.of());
    this.yamuxConfig = YamuxSessions.config(config);
    this.resolver = newResolverExecutor();
    BuiltinProtocols.register(this);
  }

  /**
   * DNS lookups block, so they run here and never on an event loop: a few daemon threads, made
   * on demand and let go after a minute idle.
   */
  private static java.util.concurrent.ExecutorService newResolverExecutor() {
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(
        4, 4, 60, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
        new io.netty.util.concurrent.DefaultThreadFactory("peerlink-dns", true));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Where blocking DNS lookups run. */
  public java.util.concurrent.Executor resolverExecutor() {
    return resolver;
  }

  /** The observers of this host's connections. */
  public EventDispatcher events() {
    return events;
  }

  /** The host-wide message handler, or null (messages wait for {@code receive()}). */
  public io.peerlink.core.MessageHandler messageHandler() {
    return messageHandler;
  }

  /** Sets the host-wide message handler; null removes it. */
  public void messageHandler(io.peerlink.core.MessageHandler handler) {
    this.messageHandler = handler;
  }

  SecurityHandlers security() {
    return security;
  }

  io.peerlink.core.internal.yamux.YamuxConfig yamuxConfig() {
    return yamuxConfig;
  }

  public Identity identity() {
    return identity;
  }

  public PeerConfig config() {
    return config;
  }

  public EventLoopGroup group() {
    return group;
  }

  public ProtocolRegistry protocols() {
    return protocols;
  }

  /**
   * Our listen addresses (with {@code /p2p}), as identify announces them: the listener's, then
   * those of every {@link #addListenAddrSource source} (relayed addresses).
   */
  public List<Multiaddr> listenAddrs() {
    List<Multiaddr> own = listenAddrs.get();
    if (extraListenAddrs.isEmpty()) {
      return own;
    }
    java.util.LinkedHashSet<Multiaddr> all = new java.util.LinkedHashSet<>(own);
    for (Supplier<List<Multiaddr>> s : extraListenAddrs) {
      all.addAll(s.get());
    }
    return List.copyOf(all);
  }

  /** Adds addresses we can be reached at besides the bound ones (a relay client's reserved addresses). */
  public void addListenAddrSource(Supplier<List<Multiaddr>> source) {
    extraListenAddrs.add(Objects.requireNonNull(source));
  }

  /** Removes a source added with {@link #addListenAddrSource}. */
  public void removeListenAddrSource(Supplier<List<Multiaddr>> source) {
    extraListenAddrs.remove(source);
  }

  /**
   * Sets who dials {@code /p2p-circuit} addresses (relay-core's relay client); {@code null}
   * removes it, and such addresses are then refused.
   */
  public void relayedDialer(java.util.function.Function<Multiaddr, CompletableFuture<Peer>> dialer) {
    this.relayedDialer = dialer;
  }

  /** Lets {@code protocol} run over limited connections (both directions). */
  public void allowOnLimitedConnections(String protocol) {
    limitedProtocols.add(Objects.requireNonNull(protocol));
  }

  /** Whether {@code protocol} may run over a limited connection. */
  public boolean runsOnLimitedConnections(String protocol) {
    return limitedProtocols.contains(protocol);
  }

  /** Sets where {@link #listenAddrs()} comes from (the listener's bound addresses). */
  public void listenAddrs(Supplier<List<Multiaddr>> supplier) {
    this.listenAddrs = Objects.requireNonNull(supplier);
  }

  /** Called with every connection once it is ready, inbound and outbound. */
  public void addConnectionListener(Consumer<Peer> listener) {
    connectionListeners.add(listener);
  }

  /** The live connections. */
  public Set<PeerConnection> connections() {
    return connections;
  }

  /**
   * A hole punch in progress expects the remote's SYN from one of a few addresses: if it reaches
   * our listener (the remote's SYN arrived before ours left, as on loopback or behind a NAT that
   * filters by endpoint only) instead of crossing our own SYN, the accepted connection must still
   * play the punch's role, or both ends would be servers. {@link #accepted()} completes with the
   * upgrade of the first such connection.
   */
  public static final class PunchExpectation {
    private final PeerId peer;
    private final Direction role;
    private final CompletableFuture<CompletableFuture<Peer>> accepted = new CompletableFuture<>();

    PunchExpectation(PeerId peer, Direction role) {
      this.peer = peer;
      this.role = role;
    }

    /** The peer the punch is with (the accepted connection must prove it). */
    public PeerId peer() {
      return peer;
    }

    /** Our side of the upgrade on the punched connection. */
    public Direction role() {
      return role;
    }

    /** Completes with the upgrade of the connection our listener accepted for this punch. */
    public CompletableFuture<CompletableFuture<Peer>> accepted() {
      return accepted;
    }

    /** Claims an accepted connection for this punch; false if one was claimed already. */
    public boolean claim(CompletableFuture<Peer> upgrade) {
      return accepted.complete(upgrade);
    }
  }

  private final java.util.Map<InetSocketAddress, PunchExpectation> punchExpected = new ConcurrentHashMap<>();

  /**
   * Expects a punch from {@code remotes}; the returned runnable withdraws the expectation (call it
   * once the punch ended).
   */
  public PunchExpectation expectPunch(PeerId peer, Direction role, List<InetSocketAddress> remotes, Runnable[] withdraw) {
    PunchExpectation e = new PunchExpectation(peer, role);
    for (InetSocketAddress r : remotes) {
      punchExpected.put(r, e);
    }
    withdraw[0] = () -> remotes.forEach(r -> punchExpected.remove(r, e));
    return e;
  }

  /** The punch expecting a connection from {@code remote}, or null. */
  public PunchExpectation punchExpectedFrom(InetSocketAddress remote) {
    return remote == null ? null : punchExpected.get(remote);
  }

  /** Records a ready connection and tells the listeners. Called on the connection's event loop. */
  void connectionReady(PeerConnection conn) {
    connections.add(conn);
    conn.closeFuture().whenComplete((v, e) -> connections.remove(conn));
    for (Consumer<Peer> l : connectionListeners) {
      try {
        l.accept(conn);
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(HostCore.class)
            .warn("connection listener threw; other listeners still run", e);
      }
    }
  }

  /**
   * Dials {@code target}, which must end in {@code /p2p/<peer id>}: the remote must prove that ID.
   * One attempt at one resolved address; retries, DNS and several addresses are the
   * {@link Dialer}'s.
   * A {@code /p2p-circuit} address goes to the {@link #relayedDialer relayed dialer}.
   */
  public CompletableFuture<Peer> dial(Multiaddr target) {
    if (target.isRelayed()) {
      java.util.function.Function<Multiaddr, CompletableFuture<Peer>> relayed = relayedDialer;
      if (relayed == null) {
        throw new IllegalArgumentException(
            "cannot dial a /p2p-circuit address without a relay client (relay-core): " + target);
      }
      return relayed.apply(target);
    }
    PeerId expected =
        target.peerId().orElseThrow(() -> new IllegalArgumentException(
            "the address must end in /p2p/<peer id> so the remote can be authenticated: " + target));
    Multiaddr transport = target.withoutPeerId();
    InetSocketAddress socket =
        transport.toSocketAddress().orElseThrow(() -> new IllegalArgumentException(
            "not a dialable TCP address (need /ip4|/ip6|/dns4|/dns6|/dns …/tcp/<port>): " + transport));
    return dial(expected, socket, transport).result();
  }

  /** One attempt in progress: its result, and a way to abandon it. */
  public record Attempt(CompletableFuture<Peer> result, Runnable cancel) {}

  /**
   * Dials one resolved socket address (or, unresolved, lets Netty resolve it) and upgrades the
   * connection, expecting {@code expected}. {@code display} names the address in errors.
   */
  public Attempt dial(PeerId expected, InetSocketAddress socket, Multiaddr display) {
    CompletableFuture<Peer> result = new CompletableFuture<>();
    ConnectionLifecycle lifecycle = ConnectionLifecycle.start(this, io.peerlink.core.Direction.OUTBOUND, display, expected);
    Multiaddr target = display.withPeerId(expected);
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(Transports.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ConnectionUpgrader.install(HostCore.this, ch, Direction.OUTBOUND, expected,
                io.peerlink.core.ConnectionPath.DIRECT, lifecycle, result);
          }
        });
    ChannelFuture cf = b.connect(socket);
    cf.addListener(f -> {
      if (!f.isSuccess() && !f.isCancelled()) {
        PeerException pe = connectFailure(target, f.cause());
        lifecycle.failed(pe);
        result.completeExceptionally(pe);
      }
    });
    Runnable cancel = () -> {
      if (result.isDone() && !result.isCompletedExceptionally()) {
        result.join().close(); // won after all: the caller no longer wants it
        return;
      }
      PeerException pe = new PeerException(PeerError.CONNECT, "dial to " + target + " cancelled");
      lifecycle.failed(pe);
      result.completeExceptionally(pe);
      cf.cancel(false);
      cf.channel().close();
    };
    return new Attempt(result, cancel);
  }

  /**
   * Dials {@code remote} from {@code local} (our listening port, shared with SO_REUSEADDR and
   * SO_REUSEPORT) for hole punching: both peers dial at once, TCP simultaneous open joins the two
   * attempts into one connection, and {@code role} says which side of the upgrade we play
   * ({@link Direction#OUTBOUND}: multistream initiator, security client, yamux client). The
   * connection's path is {@code path} (HOLE_PUNCHED).
   */
  public Attempt dialFrom(PeerId expected, InetSocketAddress remote, InetSocketAddress local,
      Direction role, io.peerlink.core.ConnectionPath path, java.time.Duration connectTimeout) {
    CompletableFuture<Peer> result = new CompletableFuture<>();
    Multiaddr display = Multiaddr.fromSocketAddress(remote);
    ConnectionLifecycle lifecycle = ConnectionLifecycle.start(this, role, display, expected);
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(Transports.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            Transports.reusePort(ch); // registered, not yet bound: the flags apply to the bind
            ConnectionUpgrader.install(HostCore.this, ch, role, expected, path, lifecycle, result);
          }
        });
    ChannelFuture cf = b.connect(remote, local);
    cf.addListener(f -> {
      if (!f.isSuccess() && !f.isCancelled()) {
        PeerException pe = connectFailure(display.withPeerId(expected), f.cause());
        lifecycle.failed(pe);
        result.completeExceptionally(pe);
      }
    });
    Runnable cancel = () -> {
      if (result.isDone()) {
        return;
      }
      PeerException pe = new PeerException(PeerError.CONNECT, "dial to " + display + " cancelled");
      lifecycle.failed(pe);
      result.completeExceptionally(pe);
      cf.cancel(false);
      cf.channel().close();
    };
    return new Attempt(result, cancel);
  }

  private static PeerException connectFailure(Multiaddr target, Throwable cause) {
    PeerException pe = PeerException.wrap(cause, PeerError.CONNECT);
    if (pe.kind() == PeerError.TIMEOUT) {
      return new io.peerlink.core.PeerTimeoutException(
          "TCP connect to " + target + " timed out; is the peer reachable from here?", cause);
    }
    return new PeerException(
        pe.kind(), "could not connect to " + target + ": " + cause.getMessage()
            + " (check the address and that the peer is running)", cause);
  }

  /** Closes every connection and, if this core made its event loops, shuts them down. */
  public CompletableFuture<Void> close() {
    resolver.shutdownNow();
    CompletableFuture<?>[] closing =
        connections.stream().map(PeerConnection::close).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(closing).handle((v, e) -> null).thenCompose(v -> {
      if (!ownsGroup) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
          .addListener(f -> done.complete(null));
      return done;
    });
  }
}
