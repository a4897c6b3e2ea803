package io.peerlink.relay.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.peerlink.core.EventListener;
import io.peerlink.core.Listener;
import io.peerlink.core.ListenerLimits;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.Stream;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.event.CircuitEnd;
import io.peerlink.core.event.HopRequest;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.relay.internal.circuit.CircuitMessageReader;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.circuit.HeldBytes;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.server.internal.CircuitTable;
import io.peerlink.relay.server.internal.ConnectHandler;
import io.peerlink.relay.server.internal.HopReplies;
import io.peerlink.relay.server.internal.HopStreamHandler;
import io.peerlink.relay.server.internal.RelayContext;
import io.peerlink.relay.server.internal.ReservationTable;
import io.peerlink.relay.server.internal.ReserveHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Circuit Relay v2 relay: serves the hop protocol ({@value CircuitMessages#HOP_PROTOCOL}), holds
 * reservations, and carries circuits between peers over stop streams.
 *
 * <pre>{@code
 * RelayServer relay = RelayServer.builder(Identity.loadOrCreate(Path.of("relay.pem")))
 *     .listenOn(Multiaddr.parse("/ip4/0.0.0.0/tcp/4001"))
 *     .limiter(RelayLimiter.defaults())
 *     .build();
 * relay.start().join();
 * ...
 * relay.stop(Duration.ofSeconds(30)).join();
 * }</pre>
 *
 * <p>To serve the relay from a listener the application builds itself, pass its builder with
 * {@link Builder#listener(Listener.Builder)}: the server registers its hop handler there and
 * starts the listener in {@link #start()}.
 *
 * <p>Status codes: relayed requests and ACL refusals get PERMISSION_DENIED; reservation limits
 * (total, per IP, no IP, relay stopping) RESERVATION_REFUSED; circuit limits (total, per peer,
 * relay stopping) RESOURCE_LIMIT_EXCEEDED; a CONNECT to the requesting peer itself
 * PERMISSION_DENIED, at once; a CONNECT to a peer without a live reservation
 * NO_RESERVATION; a stop stream that cannot be opened or is not answered OK CONNECTION_FAILED; an
 * unparsable request, or a CONNECT without a valid peer ID, MALFORMED_MESSAGE; a STATUS sent as a
 * request UNEXPECTED_MESSAGE. Thread-safe.
 */
public final class RelayServer {
  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

  private final Identity identity;
  private final RelayLimiter limiter;
  private final Acl acl;
  private final Predicate<Multiaddr> addressFilter;
  private final List<Multiaddr> announce;
  private final Clock clock;
  private final Listener listener;
  private final boolean ownsListener;
  private final boolean attached;
  private final ReservationTable reservations;
  private final CircuitTable circuits;
  private final ReserveHandler reserves;
  private final ConnectHandler connects;
  private final ScheduledExecutorService sweeper;
  private volatile State state = State.NEW;

  private enum State { NEW, RUNNING, STOPPING, STOPPED }

  private RelayServer(Builder b) {
    this.identity = b.identity;
    this.limiter = b.limiter;
    this.acl = b.acl;
    this.addressFilter = b.addressFilter;
    this.announce = List.copyOf(b.announce);
    this.clock = b.clock;
    this.reservations = new ReservationTable(limiter);
    this.circuits = new CircuitTable(limiter);
    Listener.Builder lb = b.listenerBuilder;
    this.ownsListener = lb == null && b.running == null;
    this.attached = b.running != null;
    if (attached) {
      // Serving on a host that already runs: the hop handler goes in at start, out at stop.
      this.listener = b.running;
    } else {
      if (lb == null) {
        lb = Listener.builder(identity).config(b.peerConfig).limits(b.listenerLimits);
        b.eventListeners.forEach(lb::eventListener);
        if (b.eventExecutor != null) {
          lb.eventExecutor(b.eventExecutor);
        }
        for (Multiaddr a : b.listenAddrs) {
          lb.listenOn(a);
        }
      }
      lb.handler(CircuitMessages.HOP_PROTOCOL, hopHandler());
      this.listener = lb.build();
    }
    RelayContext context = new RelayContext(Host.of(listener), acl, clock, () -> state == State.RUNNING);
    this.reserves = new ReserveHandler(context, identity, reservations, limiter.reservationTtl(),
        limiter.circuitLimit(), this::reservationAddresses);
    this.connects = new ConnectHandler(context, reservations, circuits, limiter, limiter.circuitLimit());
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "relay-reservation-sweeper");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A builder for a relay with this identity (its peer ID is the relay's).
   *
   * @param identity the identity (key pair) to use
   * @return a new builder
   */
  public static Builder builder(Identity identity) {
    return new Builder(Objects.requireNonNull(identity, "identity"));
  }

  /**
   * Starts listening (when the server owns or was handed a listener) and accepting hop requests.
   *
   * @return a future that completes with this server once it serves
   */
  public synchronized CompletableFuture<RelayServer> start() {
    if (state != State.NEW) {
      throw new IllegalStateException("relay server already started");
    }
    state = State.RUNNING;
    long sweep = limiter.reservationSweepInterval().toNanos();
    sweeper.scheduleAtFixedRate(this::sweep, sweep, sweep, TimeUnit.NANOSECONDS);
    if (attached) {
      Host.of(listener).handle(CircuitMessages.HOP_PROTOCOL, hopHandler());
      return CompletableFuture.completedFuture(this);
    }
    return listener.start().thenApply(l -> this);
  }

  /**
   * Stops gracefully: new reservations and circuits are refused at once, open circuits may finish
   * within {@code drain}, then the remaining ones are reset, reservations dropped and the listener
   * closed. Completes when all of that is done.
   *
   * @param drain how long open circuits may take to finish
   * @return a future that completes once the server has stopped
   */
  public CompletableFuture<Void> stop(Duration drain) {
    synchronized (this) {
      if (state == State.STOPPING || state == State.STOPPED) {
        return CompletableFuture.completedFuture(null);
      }
      state = State.STOPPING;
    }
    if (attached) {
      Host.of(listener).removeHandler(CircuitMessages.HOP_PROTOCOL);
    }
    List<CompletableFuture<CircuitEnd>> ends = connects.openCircuitEnds();
    return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, drain.toNanos(), TimeUnit.NANOSECONDS)
        .thenCompose(v -> {
          connects.abortAll(CircuitEnd.STOPPED);
          int dropped = reservations.clear().size();
          if (dropped > 0) {
            emit(l -> l.relayReservationsEnded(dropped));
          }
          sweeper.shutdownNow();
          state = State.STOPPED;
          return ownsListener ? listener.closeAsync() : CompletableFuture.completedFuture(null);
        });
  }

  /** {@return the relay's peer ID} */
  public PeerId peerId() {
    return identity.peerId();
  }

  /**
   * {@return bytes relayed through circuits since the start, both directions together (a counter
   * for metrics; each circuit's share is in its {@code circuitClosed} event)}
   */
  public long bytesRelayed() {
    return connects.bytesRelayed();
  }

  private void emit(Consumer<EventListener> event) {
    Host.of(listener).emit(event);
  }

  /** {@return the listener serving the relay} */
  public Listener listener() {
    return listener;
  }

  /** {@return the limits in force} */
  public RelayLimiter limiter() {
    return limiter;
  }

  /**
   * The live reservations (a snapshot): those not expired by the relay's clock, even if the
   * periodic sweep has not dropped the expired ones yet.
   *
   * @return the live reservations
   */
  public List<ReservationInfo> reservations() {
    Instant now = clock.instant();
    return reservations.snapshot().stream().filter(r -> !now.isAfter(r.expires())).toList();
  }

  /** {@return the circuits admitted and not yet closed (a snapshot; includes circuits still in their stop handshake)} */
  public List<CircuitInfo> circuits() {
    return circuits.snapshot();
  }

  /**
   * The addresses put in reservations: the announce addresses if set, else the listener's, kept
   * if the address filter accepts them, each ending in {@code /p2p/<relay>}.
   *
   * @return the reservation addresses
   */
  public List<Multiaddr> reservationAddresses() {
    List<Multiaddr> source = announce.isEmpty() ? listener.listenAddresses() : announce;
    List<Multiaddr> out = new ArrayList<>();
    for (Multiaddr a : source) {
      if (a.isRelayed() || !addressFilter.test(a)) {
        continue;
      }
      if (a.peerId().isPresent() && !a.peerId().get().equals(peerId())) {
        continue;
      }
      out.add(a.withPeerId(peerId()));
    }
    return out;
  }

  /** The stream handler serving the hop protocol; registered by the builder. */
  private StreamHandler hopHandler() {
    return stream -> {
      Channel ch = stream.channel();
      ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      CircuitMessageReader.addHopReader(ch.pipeline(), limiter.maxMessageSize());
      ch.pipeline().addLast("hop", new HopStreamHandler(new Requests(stream), limiter.streamTimeout()));
    };
  }

  /** Routes the decoded request of one hop stream. */
  private final class Requests implements HopStreamHandler.HopRequests {
    private final Stream stream;

    Requests(Stream stream) {
      this.stream = stream;
    }

    @Override
    public void onReserve(ChannelHandlerContext ctx) {
      handleReserve(stream);
    }

    @Override
    public void onConnect(ChannelHandlerContext ctx, HopMessage request) {
      Channel ch = ctx.channel();
      ch.config().setAutoRead(false);
      // Bytes after the CONNECT wait for the splice; if the source goes away meanwhile, the
      // circuit attempt ends when the splice finds the stream inactive.
      ctx.pipeline().replace(ctx.handler(), HeldBytes.NAME, new HeldBytes(ConnectHandler.MAX_PENDING_BYTES, null));
      connects.handle(stream, request);
    }

    @Override
    public void onBadRequest(ChannelHandlerContext ctx, RelayStatus status) {
      PeerId from = stream.peer().peerId();
      emit(l -> l.relayRequestAnswered(from, HopRequest.INVALID, status));
      HopReplies.respond(stream.channel(), status);
    }

    @Override
    public void onTimeout(ChannelHandlerContext ctx) {
      log.debug("hop stream from {} sent no request in time; reset", stream.peer().peerId());
      StreamChannels.reset(ctx.channel());
    }
  }

  /**
   * Answers a RESERVE received on {@code stream} and closes the stream. Returns the status sent.
   * Called on the stream's event loop.
   *
   * @param stream the hop stream
   * @return the status sent
   */
  public RelayStatus handleReserve(Stream stream) {
    return reserves.handle(stream);
  }

  /**
   * Handles a CONNECT to {@code target} received on {@code stream}: checks, stop handshake with
   * the target, answer, then the circuit. Completes with the status sent to the source. Called on
   * the stream's event loop with the stream's reading paused.
   *
   * @param stream the hop stream
   * @param target the peer the CONNECT asks for
   * @return a future that completes with the status sent
   */
  public CompletableFuture<RelayStatus> handleConnect(Stream stream, PeerId target) {
    return connects.handle(stream, CircuitMessages.hopConnect(target));
  }

  private void sweep() {
    try {
      expireReservations(clock.instant());
    } catch (RuntimeException e) {
      log.warn("reservation sweep failed", e);
    }
  }

  /** Drops the reservations expired at {@code now} and reports them; returns how many. What the periodic sweep runs; tests call it directly. */
  int expireReservations(Instant now) {
    return reserves.expire(now);
  }

  /** Builds a {@link RelayServer}. */
  public static final class Builder {
    private final Identity identity;
    private RelayLimiter limiter = RelayLimiter.defaults();
    private Acl acl = Acl.ALLOW_ALL;
    private Predicate<Multiaddr> addressFilter = AddressFilter.internet();
    private final List<Multiaddr> announce = new ArrayList<>();
    private final List<Multiaddr> listenAddrs = new ArrayList<>();
    private final List<EventListener> eventListeners = new ArrayList<>();
    private Executor eventExecutor;
    private Clock clock = Clock.systemUTC();
    private PeerConfig peerConfig = PeerConfig.defaults();
    private ListenerLimits listenerLimits = ListenerLimits.defaults();
    private Listener.Builder listenerBuilder;
    private Listener running;

    private Builder(Identity identity) {
      this.identity = identity;
    }

    /**
     * Resource limits; default {@link RelayLimiter#defaults()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder limiter(RelayLimiter v) {
      limiter = Objects.requireNonNull(v, "limiter");
      return this;
    }

    /**
     * Access control; default allows everything.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder acl(Acl v) {
      acl = Objects.requireNonNull(v, "acl");
      return this;
    }

    /**
     * Which of the relay's addresses go into reservations; default {@link AddressFilter#internet()}.
     * A testbed that uses documentation ranges as its internet widens it with
     * {@link AddressFilter#withPublic(String)}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder publicAddressFilter(Predicate<Multiaddr> v) {
      addressFilter = Objects.requireNonNull(v, "filter");
      return this;
    }

    /**
     * Addresses to announce in reservations instead of the listen addresses (behind NAT or a load balancer); still filtered.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder announce(List<Multiaddr> v) {
      announce.clear();
      announce.addAll(v);
      return this;
    }

    /**
     * Adds a TCP address to listen on (when the server builds its own listener).
     *
     * @param v the new value
     * @return this builder
     */
    public Builder listenOn(Multiaddr v) {
      listenAddrs.add(Objects.requireNonNull(v, "addr"));
      return this;
    }

    /**
     * Connection settings of the server's own listener; default {@link PeerConfig#defaults()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder peerConfig(PeerConfig v) {
      peerConfig = Objects.requireNonNull(v, "peerConfig");
      return this;
    }

    /**
     * Limits on inbound connections of the server's own listener (total, per IP, accept rate);
     * default {@link ListenerLimits#defaults()}. A relay that expects many peers behind one NAT
     * raises {@link ListenerLimits#maxInboundPerIp()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder listenerLimits(ListenerLimits v) {
      listenerLimits = Objects.requireNonNull(v, "listenerLimits");
      return this;
    }

    /**
     * Serve the relay from this listener builder (made with the same identity) instead of building
     * one: the hop handler is registered on it, and {@link RelayServer#start()} starts it. The
     * server does not close a listener it was handed.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder listener(Listener.Builder v) {
      listenerBuilder = Objects.requireNonNull(v, "listener");
      return this;
    }

    /**
     * Serve the relay on this already running listener (made with the same identity): the hop
     * handler is added at {@link RelayServer#start()} and removed at stop; the listener is neither
     * started nor closed by the server. How {@code Manager.enableRelay()} turns a peer into a relay.
     *
     * @param running the running listener
     * @return this builder
     */
    public Builder host(Listener running) {
      this.running = Objects.requireNonNull(running, "running");
      return this;
    }

    /**
     * Observes the relay's requests, reservations and circuits (and its listener's connections);
     * repeatable. A relay serving on a running host ({@link #host}) reports to that host's
     * listeners instead.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder eventListener(EventListener listener) {
      eventListeners.add(Objects.requireNonNull(listener, "listener"));
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
     * The clock for reservation expiry; default UTC system clock. For tests.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder clock(Clock v) {
      clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    /**
     * Builds the server (not yet started).
     *
     * @throws IllegalArgumentException if there is neither a listen address nor a listener builder
     * @return the new {@code RelayServer}
     */
    public RelayServer build() {
      if (running != null) {
        if (listenerBuilder != null || !listenAddrs.isEmpty()) {
          throw new IllegalArgumentException("give host(...) alone, without listenOn(...) or listener(...)");
        }
        if (!running.peerId().equals(identity.peerId())) {
          throw new IllegalArgumentException("the listener's identity is not the relay's");
        }
        return new RelayServer(this);
      }
      if (listenerBuilder == null && listenAddrs.isEmpty()) {
        throw new IllegalArgumentException("relay server needs listenOn(...) or listener(...)");
      }
      if (listenerBuilder != null && !listenAddrs.isEmpty()) {
        throw new IllegalArgumentException("give either listenOn(...) or listener(...), not both");
      }
      return new RelayServer(this);
    }
  }
}
