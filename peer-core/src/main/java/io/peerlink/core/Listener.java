package io.peerlink.core;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.host.ConnectionUpgrader;
import io.peerlink.core.internal.host.FrontDoors;
import io.peerlink.core.internal.host.HostCore;
import io.peerlink.core.internal.host.InboundAdmission;
import io.peerlink.core.internal.host.TransportAddress;
import io.peerlink.core.internal.host.Transports;
import io.peerlink.core.multiaddr.Multiaddr;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Accepts inbound libp2p connections: TCP, then TLS 1.3 or Noise, then yamux; or, on a
 * {@code /udp/N/quic-v1} address, QUIC v1 with its own TLS 1.3 and streams.
 *
 * <pre>{@code
 * Listener listener = Listener.builder(Identity.generate())
 *     .listenOn(Multiaddr.parse("/ip4/0.0.0.0/tcp/4001"))
 *     .limits(ListenerLimits.builder().maxInbound(512).maxInboundPerIp(4).build())
 *     .handler(Echo.PROTOCOL_ID, Echo.handler())
 *     .eventListener(new EventListener() {
 *       public void connectionOpened(Peer peer) {
 *         System.out.println("connected: " + peer.peerId());
 *       }
 *     })
 *     .build()
 *     .start().join();
 * System.out.println(listener.listenAddresses());
 * }</pre>
 *
 * <p>Every accepted connection first passes the {@link ListenerLimits}; one over a limit is closed
 * before its handshake, reported to {@code EventListener.inboundRefused}, counted in
 * {@link #stats()}, and logged at INFO with its reason and address (a line per reason per second
 * at most, saying how many more were refused in between). Identify, ping and the message protocol are always served. Thread-safe.
 */
public final class Listener implements AutoCloseable {
  static {
    // Host.of(this) in the SPI reads the host through this, so this package needs no SPI type.
    FrontDoors.register(Listener.class, o -> ((Listener) o).core);
  }

  private final HostCore core;
  private final List<Multiaddr> requested;
  private final List<Channel> serverChannels = new CopyOnWriteArrayList<>();
  private final InboundAdmission admission;
  private final ListenerLimits limits;
  private volatile List<Multiaddr> bound = List.of();

  private Listener(Builder b) {
    this.core = b.core != null ? b.core : new HostCore(b.identity, b.config, b.group);
    this.requested = List.copyOf(b.listenAddrs);
    b.handlers.forEach(core.protocols()::put);
    if (b.eventExecutor != null) {
      core.events().executor(b.eventExecutor);
    }
    b.eventListeners.forEach(core.events()::add);
    if (b.eventListenerFactory != null) {
      core.events().factory(b.eventListenerFactory);
    }
    if (b.messageHandler != null) {
      core.messageHandler(b.messageHandler);
    }
    this.limits = b.limits;
    this.admission = b.refusalSink == null
        ? new InboundAdmission(core, b.limits)
        : new InboundAdmission(core, b.limits, b.refusalInterval, b.refusalClock, b.refusalSink);
    core.listenAddrs(this::listenAddresses);
  }

  /**
   * A builder for a listener with this identity.
   *
   * @param identity the identity (key pair) to use
   * @return a new builder
   */
  public static Builder builder(Identity identity) {
    return new Builder(Objects.requireNonNull(identity, "identity"));
  }

  /**
   * Binds every listen address. Completes with this listener once all are bound, or fails with a
   * {@link PeerException} of kind {@link PeerError#CONNECT} naming the address that could not be bound.
   *
   * @return a future that completes with this listener once every address is bound
   */
  public CompletableFuture<Listener> start() {
    List<CompletableFuture<Multiaddr>> binds = new ArrayList<>();
    for (Multiaddr addr : requested) {
      binds.add(bind(addr));
    }
    return CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new))
        .thenApply(v -> {
          List<Multiaddr> out = new ArrayList<>();
          for (CompletableFuture<Multiaddr> f : binds) {
            out.add(f.join());
          }
          bound = List.copyOf(out);
          return this;
        });
  }

  private CompletableFuture<Multiaddr> bind(Multiaddr addr) {
    InetSocketAddress socket = TransportAddress.socket(addr)
        .filter(s -> !s.isUnresolved())
        .orElseThrow(() -> new IllegalArgumentException(
            "can only listen on /ip4|ip6/<address>/tcp/<port> or /ip4|ip6/<address>/udp/<port>/quic-v1, not "
                + addr));
    if (TransportAddress.isQuic(addr)) {
      return bindQuic(addr, socket);
    }
    CompletableFuture<Multiaddr> result = new CompletableFuture<>();
    try {
      // The listening socket gets SO_REUSEPORT for hole punching, which would let it share a port.
      Transports.requireUnusedPort(socket);
    } catch (IOException e) {
      result.completeExceptionally(bindFailure(addr, e));
      return result;
    }
    ServerBootstrap sb = new ServerBootstrap()
        .group(core.eventLoops())
        .channel(Transports.serverSocketChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            admission.admit(ch);
          }
        });
    // Hole punching dials out from this same port (TCP simultaneous open), so it must be shareable.
    Transports.reusePort(sb);
    sb.bind(socket).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        serverChannels.add(f.channel());
        // The native transport binds a dual-stack socket and reports 0.0.0.0 as "::": keep the
        // address asked for (with the port given), or an IPv4 wildcard expands to IPv6 interfaces.
        int port = ((InetSocketAddress) f.channel().localAddress()).getPort();
        result.complete(Multiaddr.fromSocketAddress(new InetSocketAddress(socket.getAddress(), port)));
      } else {
        result.completeExceptionally(bindFailure(addr, f.cause()));
      }
    });
    return result;
  }

  /** QUIC listens on a UDP socket; its connections pass the same inbound limits as TCP's. */
  private CompletableFuture<Multiaddr> bindQuic(Multiaddr addr, InetSocketAddress socket) {
    try {
      // The UDP socket gets SO_REUSEPORT so dials can leave from its port, which would let it share a port.
      Transports.requireUnusedUdpPort(socket);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(bindFailure(addr, e));
    }
    return core.listenQuic(socket, admission).handle((ch, err) -> {
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        throw new CompletionException(cause instanceof PeerException pe ? pe : bindFailure(addr, cause));
      }
      serverChannels.add(ch);
      int port = ((InetSocketAddress) ch.localAddress()).getPort();
      return TransportAddress.quic(new InetSocketAddress(socket.getAddress(), port));
    });
  }

  private static PeerException bindFailure(Multiaddr addr, Throwable cause) {
    String why = cause instanceof BindException
        ? "the port is in use (" + cause.getMessage() + ")"
        : cause.getMessage();
    return new PeerException(PeerError.CONNECT, "could not listen on " + addr + ": " + why, cause);
  }

  /** {@return the inbound limits in force} */
  public ListenerLimits limits() {
    return limits;
  }

  /** {@return counters of accepted, rejected and failed inbound connections, and how many are open now} */
  public ListenerStats stats() {
    return admission.stats();
  }

  /**
   * The addresses peers can dial, each ending in {@code /p2p/<our peer id>}. A wildcard bind
   * ({@code 0.0.0.0} or {@code ::}) is expanded to the machine's interface addresses.
   *
   * @return the dialable addresses
   */
  public List<Multiaddr> listenAddresses() {
    Map<Multiaddr, Boolean> out = new LinkedHashMap<>();
    for (Multiaddr b : bound) {
      InetSocketAddress s = TransportAddress.socket(b).orElseThrow();
      if (s.getAddress().isAnyLocalAddress()) {
        for (InetAddress a : interfaceAddresses(s.getAddress() instanceof Inet6Address)) {
          out.put(TransportAddress.at(b, new InetSocketAddress(a, s.getPort())).withPeerId(peerId()), true);
        }
      } else {
        out.put(b.withPeerId(peerId()), true);
      }
    }
    return List.copyOf(out.keySet());
  }

  private static List<InetAddress> interfaceAddresses(boolean v6) {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if ((a instanceof Inet6Address) == v6 && !a.isLinkLocalAddress()) {
            out.add(a);
          }
        }
      }
    } catch (SocketException e) {
      // No interface list: fall back to loopback, which is always there.
      out.add(InetAddress.getLoopbackAddress());
    }
    return out;
  }

  /** {@return our peer ID} */
  public PeerId peerId() {
    return core.identity().peerId();
  }

  /** {@return the live connections, inbound and (when this listener's core also dials) outbound} */
  public Collection<Peer> peers() {
    return List.copyOf(core.connections());
  }

  /**
   * The handle over every connection of this host to {@code peer}, inbound and outbound, direct and
   * relayed: streams open on the best one and move when it changes (see {@link PeerHandle}).
   *
   * @param peer the remote peer
   * @return its handle; empty when no connection to it is open
   */
  public Optional<PeerHandle> handle(PeerId peer) {
    return core.handle(peer);
  }

  /** The shared core, for a {@link Connector} or {@link PeerPool} working with this listener. */
  HostCore core() {
    return core;
  }

  /**
   * Stops accepting and closes every connection, gracefully within
   * {@link PeerConfig#closeTimeout()} and then forcibly, so it completes within that plus
   * {@link PeerConfig#FORCED_CLOSE_BOUND} even when a remote floods or never reads or an event
   * loop is stuck.
   *
   * @return a future that completes once the listener and its connections are closed, or the
   *     bound passed
   */
  public CompletableFuture<Void> closeAsync() {
    admission.close();
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Channel ch : serverChannels) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      ch.close().addListener(x -> f.complete(null));
      closing.add(f);
    }
    // The connections close at the same time: a listening socket whose loop is stuck must not
    // hold them up, and the core's close is bounded on its own.
    Duration bound = core.config().closeTimeout();
    CompletableFuture<Void> listening = CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, bound.toNanos(), TimeUnit.NANOSECONDS);
    return CompletableFuture.allOf(listening, core.close());
  }

  /** Same as {@code closeAsync().join()}. */
  @Override
  public void close() {
    closeAsync().join();
  }

  /** Builds a {@link Listener}. */
  public static final class Builder {
    private final Identity identity;
    private PeerConfig config = PeerConfig.defaults();
    private EventLoopGroup group;
    private HostCore core;
    private final List<Multiaddr> listenAddrs = new ArrayList<>();
    private boolean listenNowhere;
    private final Map<String, StreamHandler> handlers = new LinkedHashMap<>();
    private final List<EventListener> eventListeners = new ArrayList<>();
    private EventListener.Factory eventListenerFactory;
    private Executor eventExecutor;
    private MessageHandler messageHandler;
    private ListenerLimits limits = ListenerLimits.defaults();
    private Duration refusalInterval;
    private LongSupplier refusalClock;
    private Consumer<String> refusalSink;

    private Builder(Identity identity) {
      this.identity = identity;
    }

    /**
     * Inbound connection limits; default {@link ListenerLimits#defaults()}.
     *
     * @param limits the inbound limits
     * @return this builder
     */
    public Builder limits(ListenerLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Where refused connections are logged: tests give their own interval, clock and sink. */
    Builder refusalLog(Duration interval, LongSupplier nanoClock, Consumer<String> sink) {
      this.refusalInterval = Objects.requireNonNull(interval, "interval");
      this.refusalClock = Objects.requireNonNull(nanoClock, "nanoClock");
      this.refusalSink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Observes this host's events (those of connectors sharing it too); repeatable.
     *
     * @param listener the listener to notify
     * @return this builder
     */
    public Builder eventListener(EventListener listener) {
      eventListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Makes a listener per connection for the connection events; without one, connection events
     * go to the {@link #eventListener} listeners.
     *
     * @param factory makes each connection's listener
     * @return this builder
     */
    public Builder eventListenerFactory(EventListener.Factory factory) {
      this.eventListenerFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Where event listeners run, one event at a time and in order; default the common fork-join
     * pool. A direct executor ({@code Runnable::run}) runs them on the Netty thread that produced
     * the event, which is fine only for listeners that never block.
     *
     * @param executor the executor that runs the listeners
     * @return this builder
     */
    public Builder eventExecutor(Executor executor) {
      this.eventExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Receives messages ({@link Peer#send}) from every peer without a handler of its own.
     *
     * @param handler receives the messages
     * @return this builder
     */
    public Builder onMessage(MessageHandler handler) {
      this.messageHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Connection and stream settings; default {@link PeerConfig#defaults()}.
     *
     * @param config the settings
     * @return this builder
     */
    public Builder config(PeerConfig config) {
      this.config = Objects.requireNonNull(config);
      return this;
    }

    /**
     * An address to listen on, such as {@code /ip4/0.0.0.0/tcp/4001} or (QUIC)
     * {@code /ip4/0.0.0.0/udp/4001/quic-v1}; repeatable. Port 0 picks a free port.
     *
     * @param addr the address
     * @return this builder
     */
    public Builder listenOn(Multiaddr addr) {
      listenAddrs.add(Objects.requireNonNull(addr));
      return this;
    }

    /**
     * Binds no address: this host takes connections only over those it opened itself (relayed
     * connections reach it through a relay it is connected to). For a host that dials and serves
     * but must not accept, such as a libp2p daemon started with {@code -noListenAddrs}. Excludes
     * {@link #listenOn}.
     *
     * @return this builder
     */
    public Builder listenNowhere() {
      this.listenNowhere = true;
      return this;
    }

    /**
     * Serves {@code protocol} with {@code handler} on every connection.
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
     * Runs on this event loop group instead of one of its own; the group is not shut down on close.
     *
     * @param group the Netty event loop group to use
     * @return this builder
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = group;
      return this;
    }

    /**
     * Builds the listener; call {@link Listener#start()} to bind.
     *
     * @return the new {@code Listener}
     */
    public Listener build() {
      if (listenNowhere && !listenAddrs.isEmpty()) {
        throw new IllegalStateException("listenNowhere() and listenOn(" + listenAddrs.get(0) + ") exclude each other");
      }
      if (listenAddrs.isEmpty() && !listenNowhere) {
        throw new IllegalStateException("no listen address: call listenOn(Multiaddr.parse(\"/ip4/0.0.0.0/tcp/0\"))"
            + ", or listenNowhere() for a host that only dials");
      }
      return new Listener(this);
    }
  }
}
