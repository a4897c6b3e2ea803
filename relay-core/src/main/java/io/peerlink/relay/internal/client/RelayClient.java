package io.peerlink.relay.internal.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.Direction;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.RelayClientConfig;
import io.peerlink.relay.RelayException;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.ProtectionCounts;
import io.peerlink.relay.internal.circuit.CircuitLimit;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.circuit.HeldBytes;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Circuit Relay v2 client of one host: reserves slots on relays so peers can reach us through
 * them, connects to peers through relays, and accepts the connections relays bring us.
 *
 * <pre>{@code
 * Listener listener = Listener.builder(identity).listenOn(Multiaddr.parse("/ip4/0.0.0.0/tcp/0")).build().start().join();
 * RelayClient relays = RelayClient.create(listener);
 * Reservation r = relays.reserve(Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/12D3KooW…")).join();
 * System.out.println("reachable at " + r.addrs());
 * // elsewhere, with its own RelayClient:
 * Peer peer = connector.connect(Multiaddr.parse(r.addrs().get(0).toString())).join(); // path() == RELAYED
 * }</pre>
 *
 * <p>Creating a client makes the host: accept relayed connections (the stop protocol), dial
 * {@code /p2p-circuit} addresses wherever it dials a multiaddr ({@link Connector#connect} and
 * {@link Listener}-shared connectors), and announce the reserved addresses in identify. One
 * client per host. Relayed connections run the same security and yamux stack as TCP (the dialer
 * is the initiator); their {@link Peer#path()} is {@link ConnectionPath#RELAYED} and
 * {@link Peer#limit()} is the relay's limit.
 *
 * <p>Reservations are refreshed before they expire, as long as the connection to the relay stays
 * open; a failed refresh or a closed relay connection ends the reservation and is reported to the
 * {@link ReservationWatcher}s. Thread-safe.
 */
public final class RelayClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RelayClient.class);

  private final Host core;
  private final RelayClientConfig config;
  private final ReservationKeeper kept;
  private final Map<PeerId, CompletableFuture<Peer>> relayDials = new ConcurrentHashMap<>();
  private final Supplier<List<Multiaddr>> addrSource = this::relayedAddresses;
  private final CircuitDials circuits;
  private final ProtectionCounts circuitTags;
  private volatile boolean closed;

  private RelayClient(Host core, RelayClientConfig config) {
    this.core = core;
    this.config = Objects.requireNonNull(config, "config");
    this.kept = new ReservationKeeper(core, config, this::reserve);
    this.circuits = new CircuitDials(core);
    this.circuitTags = ProtectionCounts.of(core, ProtectionCounts.CIRCUIT);
    core.handle(CircuitMessages.STOP_PROTOCOL, new StopAcceptor(config.acceptTimeout(), this::accept));
    core.setRelayedDialer(this::dial);
    core.addAddressSource(addrSource);
  }

  /**
   * A client for the host of {@code listener}, with default settings.
   *
   * @param listener the listener whose host the client uses
   * @return the client
   */
  public static RelayClient create(Listener listener) {
    return create(listener, RelayClientConfig.defaults());
  }

  /**
   * A client for the host of {@code listener}.
   *
   * @param listener the listener whose host the client uses
   * @param config the settings
   * @return the client
   */
  public static RelayClient create(Listener listener, RelayClientConfig config) {
    return new RelayClient(Host.of(listener), config);
  }

  /**
   * A client for the host of {@code connector} (it can reserve too: relays reach it over its connection).
   *
   * @param connector the connector whose host the client uses
   * @param config the settings
   * @return the client
   */
  public static RelayClient create(Connector connector, RelayClientConfig config) {
    return new RelayClient(Host.of(connector), config);
  }

  /** {@return the settings} */
  public RelayClientConfig config() {
    return config;
  }

  /** {@return the host this client reserves and dials for} */
  public Host host() {
    return core;
  }

  /** {@return our peer ID} */
  public PeerId peerId() {
    return core.identity().peerId();
  }

  /**
   * Follows reservations as they are made and lost (the relay service and AutoRelay do).
   *
   * @param watcher called on an event loop
   */
  public void watch(ReservationWatcher watcher) {
    kept.watch(Objects.requireNonNull(watcher));
  }

  /**
   * Lets streams of {@code protocol} run over limited relayed connections, in both directions
   * (identify and ping always may). A protocol that sends more than a relay's data limit, or runs
   * longer than its duration, should not opt in.
   *
   * @param protocol the protocol ID, for example {@code /echo/1.0.0}
   */
  public void allowOnLimitedConnections(String protocol) {
    core.allowOnLimitedConnections(protocol);
  }

  /**
   * Stops following reservations.
   *
   * @param watcher a watcher given to {@link #watch}
   */
  public void unwatch(ReservationWatcher watcher) {
    kept.unwatch(watcher);
  }

  // ------------------------------------------------------------------ reserve

  /**
   * Reserves a slot on {@code relay} ({@code <transport>/p2p/<relay id>}, or just
   * {@code /p2p/<relay id>} when already connected), over a direct connection (dialed if needed),
   * and keeps it refreshed. Completes with the reservation, or fails with a {@link RelayException}
   * for a refusal (status set) or an answer that does not hold up (bad voucher, expiry in the
   * past), or another {@link PeerException} when the relay cannot be reached.
   *
   * @param relay the relay's multiaddr
   * @return a future that completes with the reservation
   */
  public CompletableFuture<Reservation> reserve(Multiaddr relay) {
    checkOpen();
    PeerId relayId = relayId(relay);
    core.emit(l -> l.reservationStart(relay));
    return relayConnection(relay, relayId)
        .thenCompose(conn -> HopExchange.run(conn, CircuitMessages.hopReserve(), config.reserveTimeout())
            .thenApply(answer -> {
              Reservation r = ReservationAnswer.accept(answer.message(), relay, relayId, peerId(), conn, config);
              kept.store(r, conn);
              return r;
            }))
        .orTimeout(config.reserveTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .exceptionallyCompose(err -> {
          PeerException pe = PeerException.wrap(err, PeerError.IO);
          core.emit(l -> l.reservationFailed(relay, pe));
          return CompletableFuture.failedFuture(pe);
        });
  }

  /**
   * The reservation held on {@code relay}, if any.
   *
   * @param relay the relay
   * @return the reservation, if one is held
   */
  public Optional<Reservation> reservation(PeerId relay) {
    return kept.reservation(relay);
  }

  /** {@return the reservations held now} */
  public List<Reservation> reservations() {
    return kept.reservations();
  }

  /**
   * Stops refreshing the reservation on {@code relay} and stops announcing its addresses. The
   * relay drops it at expiry or when the connection to it closes. No listener is told.
   *
   * @param relay the relay
   */
  public void cancelReservation(PeerId relay) {
    kept.cancel(relay);
  }

  /** {@return our addresses through the relays we hold reservations on} */
  public List<Multiaddr> relayedAddresses() {
    return kept.relayedAddresses();
  }

  // ------------------------------------------------------------------ connect and dial

  /**
   * Asks {@code relay} to connect us to {@code target} and returns the raw circuit: the relayed
   * byte stream, with nothing negotiated on it. Fails with a {@link RelayException} carrying the
   * relay's status (for example NO_RESERVATION when the target holds no reservation there).
   *
   * @param relay the relay's multiaddr
   * @param target the peer to reach
   * @return a future that completes with the circuit
   */
  public CompletableFuture<Circuit> connect(Multiaddr relay, PeerId target) {
    checkOpen();
    Objects.requireNonNull(target, "target");
    PeerId relayId = relayId(relay);
    if (target.equals(peerId())) {
      throw new IllegalArgumentException("cannot dial ourselves through a relay");
    }
    return relayConnection(relay, relayId)
        .thenCompose(conn -> HopExchange.run(conn, CircuitMessages.hopConnect(target), config.connectTimeout())
            .thenApply(answer -> {
              HopMessage m = answer.message();
              if (m.getStatusValue() != CircuitProtos.Status.OK_VALUE) {
                throw new CompletionException(Statuses.refusal("connect to " + target + " via " + relayId, m.getStatusValue()));
              }
              ConnectionLimit limit = CircuitLimit.fromProto(m.hasLimit() ? m.getLimit() : null).toConnectionLimit();
              return new Circuit(answer.channel(), conn, target, limit, answer.held());
            }))
        .exceptionallyCompose(err -> CompletableFuture.failedFuture(PeerException.wrap(err, PeerError.IO)));
  }

  /**
   * Dials {@code target} through a relay: {@code <relay>/p2p-circuit/p2p/<target>}. Completes with
   * the upgraded connection ({@link ConnectionPath#RELAYED}, remote address
   * {@code <relay>/p2p/<relay id>/p2p-circuit}).
   *
   * @param circuitAddress {@code <relay>/p2p-circuit/p2p/<target>}
   * @return a future that completes with the relayed connection
   * @throws IllegalArgumentException if the address is not of that shape
   */
  public CompletableFuture<Peer> dial(Multiaddr circuitAddress) {
    RelayAddresses.CircuitTarget t = RelayAddresses.parse(circuitAddress);
    return dial(t.relay(), t.target());
  }

  /**
   * Dials {@code target} through {@code relay} ({@code …/p2p/<relay id>}); see {@link #dial(Multiaddr)}.
   * One circuit per (relay, target): while a relayed connection to {@code target} through this
   * relay is open it is returned, and concurrent dials share the one being set up. Dialing needs
   * no reservation of ours on the relay and makes none.
   *
   * @param relay the relay's multiaddr
   * @param target the peer to reach
   * @return a future that completes with the relayed connection
   */
  public CompletableFuture<Peer> dial(Multiaddr relay, PeerId target) {
    checkOpen();
    if (target.equals(peerId())) {
      throw new IllegalArgumentException("cannot dial ourselves through a relay");
    }
    return circuits.dial(relayId(relay), Objects.requireNonNull(target, "target"), () -> openCircuit(relay, target));
  }

  /**
   * {@return the open relayed connection to {@code target} through {@code relay}, if there is one}
   *
   * @param relay the relay's peer ID
   * @param target the peer at the other end
   */
  public Optional<Peer> circuit(PeerId relay, PeerId target) {
    return circuits.open(relay, target);
  }

  /**
   * {@return the relay a relayed connection runs through, read from its remote address}
   *
   * @param relayed a relayed connection
   */
  public static Optional<PeerId> relayOf(Peer relayed) {
    return CircuitDials.relayOf(relayed);
  }

  private CompletableFuture<Peer> openCircuit(Multiaddr relay, PeerId target) {
    return connect(relay, target).thenCompose(circuit -> {
      CompletableFuture<Peer> result = new CompletableFuture<>();
      Channel ch = circuit.channel();
      ch.eventLoop().execute(() -> {
        upgrade(ch, circuit.relay(), Direction.OUTBOUND, target, circuit.limit().orElse(null), result);
        circuit.start();
      });
      return result;
    });
  }

  /** Takes a circuit a relay brought us and upgrades it as an inbound relayed connection. */
  private void accept(Peer relay, PeerId source, ConnectionLimit limit, Channel ch, HeldBytes held) {
    if (closed) {
      ch.close();
      return;
    }
    CompletableFuture<Peer> result = new CompletableFuture<>();
    upgrade(ch, relay, Direction.INBOUND, null, limit, result);
    held.passOn();
    result.whenComplete((p, err) -> {
      if (err != null) {
        log.debug("relayed connection from {} via {} failed: {}", source, relay.peerId(), err.toString());
      } else if (!p.peerId().equals(source)) {
        log.debug("relay {} announced {} but {} connected", relay.peerId(), source, p.peerId());
      }
    });
  }

  private void upgrade(Channel ch, Peer relay, Direction direction, PeerId expected, ConnectionLimit limit,
      CompletableFuture<Peer> result) {
    // The circuit ends as a whole: a FIN from the far end closes it (no half-open connection).
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    // A connection manager must not close the relay connection under a running circuit.
    Runnable release = circuitTags.hold(relay.peerId());
    ch.closeFuture().addListener(f -> release.run());
    Multiaddr remote = RelayAddresses.connectionAddress(relay.remoteAddress(), relay.peerId());
    core.upgrade(ch, direction, expected, ConnectionPath.RELAYED, remote, limit).whenComplete((p, e) -> {
      if (e != null) {
        result.completeExceptionally(e);
      } else {
        result.complete(p);
      }
    });
  }

  // ------------------------------------------------------------------ the connection to a relay

  private static PeerId relayId(Multiaddr relay) {
    Objects.requireNonNull(relay, "relay");
    if (relay.isRelayed()) {
      throw new IllegalArgumentException("a relay address must not contain /p2p-circuit: " + relay);
    }
    return relay.peerId().orElseThrow(() -> new IllegalArgumentException(
        "a relay address must end in /p2p/<relay peer id>: " + relay));
  }

  /** An open direct connection to the relay, reused if there is one, else dialed (one dial at a time). */
  private CompletableFuture<Peer> relayConnection(Multiaddr relay, PeerId relayId) {
    for (Peer p : core.connections()) {
      if (p.peerId().equals(relayId) && p.path() != ConnectionPath.RELAYED && p.isOpen()) {
        return CompletableFuture.completedFuture(p);
      }
    }
    if (relay.withoutPeerId().components().isEmpty()) {
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
          "not connected to relay " + relayId + " and its address has no transport part: " + relay));
    }
    synchronized (relayDials) {
      CompletableFuture<Peer> pending = relayDials.get(relayId);
      if (pending != null) {
        return pending;
      }
      CompletableFuture<Peer> dial;
      try {
        dial = core.dial(relay);
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(e);
      }
      relayDials.put(relayId, dial);
      dial.whenComplete((p, e) -> relayDials.remove(relayId, dial));
      return dial;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("relay client closed");
    }
  }

  /**
   * Stops refreshing every reservation, stops accepting relayed connections and dialing circuit
   * addresses. Connections already made (to relays and relayed ones) stay open; they belong to
   * the host.
   */
  @Override
  public void close() {
    closed = true;
    kept.close();
    core.removeHandler(CircuitMessages.STOP_PROTOCOL);
    core.setRelayedDialer(null);
    core.removeAddressSource(addrSource);
  }
}
