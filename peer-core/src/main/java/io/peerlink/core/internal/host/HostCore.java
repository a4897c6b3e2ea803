package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.EventListener;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.MessageHandler;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.ResourceLimits;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.TcpDelays;
import io.peerlink.core.StreamMuxer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.connmgr.ConnectionManager;
import io.peerlink.core.internal.connmgr.TtlAddressBook;
import io.peerlink.core.internal.resource.ResourceManager;
import io.peerlink.core.internal.yamux.YamuxConfig;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.DialAttempt;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.PathLossHandler;
import io.peerlink.core.spi.PunchExpectation;
import io.peerlink.core.spi.RefusalLog;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * What a {@code Listener} and a {@code Connector} share: the identity, settings, event loops,
 * protocol handlers and the live connections. One {@code HostCore} may serve both, so that a peer
 * that listens also dials with the same identity and handlers.
 */
public final class HostCore implements Host {
  private final Identity identity;
  private final PeerConfig config;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final ProtocolRegistry protocols = new ProtocolRegistry();
  private final Set<PeerConnection> connections = ConcurrentHashMap.newKeySet();
  /** Set first thing in {@link #close()}: a connection whose upgrade finishes later is refused. */
  private volatile boolean closed;
  private final List<Consumer<Peer>> connectionListeners = new CopyOnWriteArrayList<>();
  private volatile Supplier<List<Multiaddr>> listenAddrs = List::of;
  // Hooks for relay-core: addresses reached through relays, dialing /p2p-circuit addresses, and
  // which protocols may run over limited (relayed) connections.
  private final List<Supplier<List<Multiaddr>>> extraListenAddrs = new CopyOnWriteArrayList<>();
  private volatile Function<Multiaddr, CompletableFuture<Peer>> relayedDialer;
  private final Set<String> limitedProtocols = ConcurrentHashMap.newKeySet();
  private final SecurityHandlers security;
  private final YamuxConfig yamuxConfig;
  private final EventDispatcher events = new EventDispatcher();
  private volatile MessageHandler messageHandler;
  private final ExecutorService resolver;
  private final PunchExpectations punches = new PunchExpectations();
  /** QUIC punches apart from TCP ones: a remote may punch from the same IP and port number over both. */
  private final PunchExpectations quicPunches = new PunchExpectations();
  private final DialAttempts dialAttempts = new DialAttempts(this);
  private final QuicTransport quic = new QuicTransport(this);
  private final Protections protections = new Protections();
  private final PeerHandles handles = new PeerHandles(this);
  // The clock the address book and the connection manager read; tests step it.
  private volatile Clock clock = Clock.systemUTC();
  private final TtlAddressBook addressBook;
  private final ConnectionManager connectionManager;
  private final IdentifyPusher identifyPusher;
  private final ResourceManager resources;
  /** Resource limit hits: INFO, one line per scope and resource per second. */
  private static final RefusalLog LIMIT_REFUSALS = new RefusalLog(LoggerFactory.getLogger(ResourceManager.class));

  /** Creates a core; with a null {@code group} it makes and later shuts down its own. */
  public HostCore(Identity identity, PeerConfig config, EventLoopGroup group) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.config = Objects.requireNonNull(config, "config");
    this.ownsGroup = group == null;
    this.group = group != null ? group : Transports.newGroup(0, "peerlink");
    this.security = new SecurityHandlers(identity, config,
        config.earlyMuxerNegotiation()
            ? config.streamMuxers().stream().map(StreamMuxer::protocolId).toList() : List.of());
    this.yamuxConfig = YamuxSessions.config(config);
    this.resolver = newResolverExecutor();
    this.addressBook = new TtlAddressBook(config.addressBook(), this::clock);
    this.connectionManager = new ConnectionManager(config.connectionManager(), this::clock, this::isProtected);
    this.identifyPusher = new IdentifyPusher(this);
    this.resources = new ResourceManager(config.resourceLimits(), config.maxPendingInboundStreams(),
        this::resourceLimitExceeded);
    BuiltinProtocols.register(this);
    connectionManager.start(this.group.next());
    identifyPusher.start();
  }

  /** The clock the address book and the connection manager read. */
  public Clock clock() {
    return clock;
  }

  /** Replaces the clock the address book and the connection manager read (tests step it). */
  public void useClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Which connections may be closed to save resources, and trimming between watermarks. */
  public ConnectionManager connectionManager() {
    return connectionManager;
  }

  @Override
  public TtlAddressBook addressBook() {
    return addressBook;
  }

  /** The remote of {@code conn} told us about itself (identify, or a push): record its addresses. */
  void identified(PeerConnection conn, IdentifyInfo info) {
    if (conn.isOpen()) {
      addressBook.announced(conn.peerId(), info.listenAddrs());
    }
  }

  /**
   * DNS lookups block, so they run here and never on an event loop: a few daemon threads, made
   * on demand and let go after a minute idle.
   */
  private static ExecutorService newResolverExecutor() {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(
        4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        new DefaultThreadFactory("peerlink-dns", true));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** What remotes make this host hold, and the limits on it. */
  public ResourceManager resources() {
    return resources;
  }

  private void resourceLimitExceeded(ResourceLimits.Scope scope, ResourceLimits.Resource resource, Object remote,
      String detail) {
    LIMIT_REFUSALS.refused("resource limit (" + scope + " " + resource + ")", remote, detail);
    String who = String.valueOf(remote);
    events.emit(l -> l.resourceLimitExceeded(scope, resource, who));
  }

  /** Where blocking DNS lookups run. */
  public Executor resolverExecutor() {
    return resolver;
  }

  /** The observers of this host's connections. */
  public EventDispatcher events() {
    return events;
  }

  /** The host-wide message handler, or null (messages wait for {@code receive()}). */
  public MessageHandler messageHandler() {
    return messageHandler;
  }

  /** Sets the host-wide message handler; null removes it. */
  public void messageHandler(MessageHandler handler) {
    this.messageHandler = handler;
  }

  SecurityHandlers security() {
    return security;
  }

  YamuxConfig yamuxConfig() {
    return yamuxConfig;
  }

  @Override
  public void emit(Consumer<EventListener> event) {
    events.emit(event);
  }

  @Override
  public void addEventListener(EventListener listener) {
    events.add(listener);
  }

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public PeerConfig config() {
    return config;
  }

  @Override
  public EventLoopGroup eventLoops() {
    return group;
  }

  /** The protocol handlers, by protocol ID. */
  public ProtocolRegistry protocols() {
    return protocols;
  }

  @Override
  public void handle(String protocol, StreamHandler handler) {
    protocols.put(protocol, Objects.requireNonNull(handler, "handler"));
  }

  @Override
  public void removeHandler(String protocol) {
    protocols.put(protocol, null);
  }

  /**
   * Our listen addresses (with {@code /p2p}), as identify announces them: the listener's, then
   * those of every {@link #addListenAddrSource source} (relayed addresses).
   */
  @Override
  public List<Multiaddr> listenAddresses() {
    List<Multiaddr> own = listenAddrs.get();
    if (extraListenAddrs.isEmpty()) {
      return own;
    }
    LinkedHashSet<Multiaddr> all = new LinkedHashSet<>(own);
    for (Supplier<List<Multiaddr>> s : extraListenAddrs) {
      all.addAll(s.get());
    }
    return List.copyOf(all);
  }

  @Override
  public void addAddressSource(Supplier<List<Multiaddr>> source) {
    extraListenAddrs.add(Objects.requireNonNull(source));
  }

  @Override
  public void removeAddressSource(Supplier<List<Multiaddr>> source) {
    extraListenAddrs.remove(source);
  }

  @Override
  public void setRelayedDialer(Function<Multiaddr, CompletableFuture<Peer>> dialer) {
    this.relayedDialer = dialer;
  }

  @Override
  public void allowOnLimitedConnections(String protocol) {
    limitedProtocols.add(Objects.requireNonNull(protocol));
  }

  /** Whether {@code protocol} may run over a limited connection. */
  public boolean runsOnLimitedConnections(String protocol) {
    return limitedProtocols.contains(protocol);
  }

  /** Sets where {@link #listenAddresses()} comes from (the listener's bound addresses). */
  public void listenAddrs(Supplier<List<Multiaddr>> supplier) {
    this.listenAddrs = Objects.requireNonNull(supplier);
  }

  @Override
  public void addConnectionListener(Consumer<Peer> listener) {
    connectionListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeConnectionListener(Consumer<Peer> listener) {
    connectionListeners.remove(listener);
  }

  @Override
  public void protect(PeerId peer, String tag) {
    protections.protect(peer, tag);
  }

  @Override
  public boolean unprotect(PeerId peer, String tag) {
    return protections.unprotect(peer, tag);
  }

  @Override
  public boolean isProtected(PeerId peer) {
    return protections.isProtected(peer);
  }

  @Override
  public int trimConnections() {
    return connectionManager.trimToLowWater().size();
  }

  @Override
  public Optional<PeerHandle> handle(PeerId peer) {
    return handles.get(peer);
  }

  @Override
  public PeerHandle keepOpen(PeerId peer, CompletableFuture<?> attempt) {
    return handles.keepOpen(Objects.requireNonNull(peer, "peer"), Objects.requireNonNull(attempt, "attempt"));
  }

  @Override
  public void onPathLost(PathLossHandler handler) {
    handles.pathLossHandler(handler);
  }

  @Override
  public Collection<Peer> connections() {
    return Collections.unmodifiableCollection(connections);
  }

  /** The live connections, as their implementation type. */
  public Set<PeerConnection> liveConnections() {
    return connections;
  }

  @Override
  public DialAttempt punchQuic(PeerId expected, InetSocketAddress remote) {
    return quic.punch(expected, remote);
  }

  @Override
  public boolean sendFromQuicListenSocket(InetSocketAddress remote, byte[] payload) {
    return quic.sendFromListenSocket(remote, payload);
  }

  @Override
  public PunchExpectation expectPunch(PeerId peer, Direction role, List<InetSocketAddress> remotes) {
    return punches.expect(peer, role, remotes);
  }

  @Override
  public PunchExpectation expectQuicPunch(PeerId peer, List<InetSocketAddress> remotes) {
    return quicPunches.expect(peer, Direction.INBOUND, remotes);
  }

  /**
   * Hands a QUIC connection our listener accepted from {@code remote} to the QUIC punch expecting
   * it; null if none does. {@code upgrade} completes with the upgraded connection.
   */
  PunchExpectation claimQuicPunch(InetSocketAddress remote, CompletableFuture<Peer> upgrade) {
    return quicPunches.claim(remote, upgrade);
  }

  /**
   * Hands a connection our listener accepted from {@code remote} to the punch expecting it, whose
   * role and peer the upgrade then takes; null if no punch expects it (an ordinary inbound one).
   * {@code upgrade} completes with the upgraded connection.
   */
  public PunchExpectation claimPunch(InetSocketAddress remote, CompletableFuture<Peer> upgrade) {
    return punches.claim(remote, upgrade);
  }

  /**
   * Records a ready connection and tells the listeners. Called on the connection's event loop.
   *
   * @return false, the connection not recorded, if the host has closed: on an event loop group
   *     the host does not own (a shared one), dials and handshakes begun before the close still
   *     finish, and such a connection would outlive the host
   */
  boolean connectionReady(PeerConnection conn) {
    connections.add(conn);
    // Added before reading the flag, and close() sets the flag before it copies the set: either
    // close() closes this connection or we see the flag and refuse it.
    if (closed) {
      connections.remove(conn);
      return false;
    }
    handles.connected(conn);
    connectionManager.opened(conn);
    PeerId peer = conn.peerId();
    if (conn.direction() == Direction.OUTBOUND) {
      addressBook.dialed(peer, conn.remoteAddress());
    }
    conn.identify().thenAccept(info -> identified(conn, info));
    conn.closeFuture().whenComplete((v, e) -> {
      connections.remove(conn);
      handles.disconnected(conn);
      if (connections.stream().noneMatch(c -> c.peerId().equals(peer) && c.isOpen())) {
        addressBook.disconnected(peer, conn.direction() == Direction.OUTBOUND ? conn.remoteAddress() : null);
      }
    });
    for (Consumer<Peer> l : connectionListeners) {
      try {
        l.accept(conn);
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(HostCore.class)
            .warn("connection listener threw; other listeners still run", e);
      }
    }
    return true;
  }

  /**
   * Dials {@code target}, which must end in {@code /p2p/<peer id>}: the remote must prove that ID.
   * One attempt at one resolved address; retries, DNS and several addresses are the
   * {@link Dialer}'s.
   * A {@code /p2p-circuit} address goes to the {@link #relayedDialer relayed dialer}.
   */
  @Override
  public CompletableFuture<Peer> dial(Multiaddr target) {
    if (target.isRelayed()) {
      Function<Multiaddr, CompletableFuture<Peer>> relayed = relayedDialer;
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
        TransportAddress.socket(transport).orElseThrow(() -> new IllegalArgumentException(
            TransportAddress.notDialable(transport)));
    return dial(expected, socket, transport).result();
  }

  /**
   * Dials one resolved socket address (or, unresolved, lets Netty resolve it) and upgrades the
   * connection, expecting {@code expected}. {@code display} names the address in errors.
   */
  @Override
  public DialAttempt dial(PeerId expected, InetSocketAddress socket, Multiaddr display) {
    if (TransportAddress.isQuic(display)) {
      return quic.dial(expected, socket, display);
    }
    return dialAttempts.dial(expected, socket, display);
  }

  /**
   * Binds a QUIC listener at {@code socket}: a UDP socket whose new connections go through
   * {@code admission} (inbound limits) and then become ready peers of this host.
   */
  public CompletableFuture<Channel> listenQuic(InetSocketAddress socket, InboundAdmission admission) {
    return quic.listen(socket, admission::admitQuic);
  }

  /** The QUIC transport: listening on and dialing {@code /udp/N/quic-v1} addresses. */
  QuicTransport quic() {
    return quic;
  }

  @Override
  public DialAttempt dialRound(PeerId peer, List<Multiaddr> addrs, Duration stagger, TcpDelays tcpDelays,
      Duration connectTimeout) {
    DialRound round = new DialRound(this, peer, List.copyOf(addrs), stagger, tcpDelays, connectTimeout);
    return new DialAttempt(round.start(), round::cancel);
  }

  /** Dials one resolved socket address with its own TCP connect timeout. */
  DialAttempt dial(PeerId expected, InetSocketAddress socket, Multiaddr display, Duration connectTimeout) {
    if (TransportAddress.isQuic(display)) {
      return quic.dial(expected, socket, display); // bounded by QuicConfig.handshakeTimeout instead
    }
    return dialAttempts.dial(expected, socket, display, connectTimeout);
  }

  /** Dials {@code remote} from our listening port for hole punching; see {@link DialAttempts}. */
  @Override
  public DialAttempt dialFromListenPort(PeerId expected, InetSocketAddress remote, InetSocketAddress local,
      Direction role, ConnectionPath path, Duration connectTimeout) {
    return dialAttempts.dialFromListenPort(expected, remote, local, role, path, connectTimeout);
  }

  @Override
  public CompletableFuture<Peer> upgrade(Channel channel, Direction direction, PeerId expected,
      ConnectionPath path, Multiaddr remoteAddress, ConnectionLimit limit) {
    CompletableFuture<Peer> result = new CompletableFuture<>();
    ConnectionUpgrader.install(this, channel, direction, expected, path, remoteAddress, limit, result);
    return result;
  }

  /**
   * Closes every connection and, if this core made its event loops, shuts them down: gracefully
   * within {@link PeerConfig#closeTimeout()}, then forcibly within
   * {@link PeerConfig#FORCED_CLOSE_BOUND}, so the future completes within their sum whatever state
   * the connections and loops are in.
   */
  public CompletableFuture<Void> close() {
    closed = true;
    resolver.shutdownNow();
    connectionManager.stop();
    identifyPusher.stop();
    return BoundedClose.close(List.copyOf(connections), ownsGroup ? group : null,
        config.closeTimeout(), PeerConfig.FORCED_CLOSE_BOUND);
  }

}
