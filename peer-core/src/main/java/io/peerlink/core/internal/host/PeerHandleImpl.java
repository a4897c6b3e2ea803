package io.peerlink.core.internal.host;

import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.MessageHandler;
import io.peerlink.core.PathQuality;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.PeerState;
import io.peerlink.core.Stream;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.event.PathHealth;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.PathLossHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PeerHandle} of one remote peer: its open connections with their {@link PathMeter}s,
 * the {@link PathSelector} choosing among them, callers waiting for a connection
 * ({@link PathWaiters}), the {@link QualityProbe} and the message API ({@link HandleMessages}).
 * Made and dropped by {@link PeerHandles}. Its state changes under its own lock, which is never
 * held while a caller's future completes; events are emitted under it, so they keep their order.
 */
final class PeerHandleImpl extends HandleConnectionView implements PeerHandle {
  private static final Logger log = LoggerFactory.getLogger(PeerHandleImpl.class);

  private final HostCore core;
  private final PeerId peer;
  private final PeerHandles registry;
  private final List<PathMeter> meters = new ArrayList<>(2); // guarded by this
  private final PathSelector<PathMeter> selector;
  private final PathWaiters waiters = new PathWaiters();
  private final HandleMessages messages = new HandleMessages(this);
  private final QualityProbe probe;
  private final LivenessProbe liveness;
  private final Map<String, StreamHandler> ownHandlers = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private int pendingAttempts; // guarded by this
  private boolean closed; // guarded by this
  private volatile boolean closing;

  PeerHandleImpl(HostCore core, PeerId peer, PeerHandles registry) {
    this.core = core;
    this.peer = peer;
    this.registry = registry;
    PeerConfig config = core.config();
    this.selector = new PathSelector<>(config.pathSwitchMargin(), config.pathSwitchSamples(),
        config.pathThroughputRatio());
    this.probe = new QualityProbe(this, config.qualityPingInterval(), core.eventLoops().next());
    this.liveness = new LivenessProbe(this, config.livenessProbeInterval(), config.livenessProbeTimeout(),
        core.eventLoops().next());
  }

  // ------------------------------------------------------------------ connections come and go

  /** A connection to the peer is ready; false if this handle closed meanwhile (make a new one). */
  boolean add(PeerConnection connection) {
    PathMeter meter = new PathMeter(connection, core.config().pathFailureThreshold(),
        core.config().pathRecoverySuccesses());
    List<PathWaiters.Waiter> ready;
    PeerConnection selected;
    synchronized (this) {
      if (closed) {
        return false;
      }
      meters.add(meter);
      remember(connection);
      emit(selector.added(meter));
      selected = selector.selected().connection();
      ready = waiters.satisfiedBy(selector.selected().rank());
      probe.connections(meters.size());
      liveness.connections(meters.size());
    }
    connection.onRttSample(nanos -> sampled(meter));
    ownHandlers.forEach(connection::handle);
    messages.attach(connection);
    ready.forEach(w -> w.complete(selected));
    return true;
  }

  /** A connection closed. */
  void remove(PeerConnection connection) {
    connection.onRttSample(null);
    synchronized (this) {
      PathMeter meter = find(connection);
      if (meter == null) {
        return;
      }
      meters.remove(meter);
      probe.connections(meters.size());
      liveness.connections(meters.size());
      if (closed) {
        return;
      }
      emit(selector.removed(meter, meters));
    }
    PathLossHandler policy = registry.pathLossHandler();
    CompletableFuture<?> attempt = null;
    try {
      attempt = policy == null ? null : policy.pathLost(this, connection);
    } catch (RuntimeException e) {
      log.warn("the path-loss handler threw on {}; the peer is not reconnected", connection, e);
    }
    if (attempt != null) {
      keepOpen(attempt);
    }
    giveUpIfGone();
  }

  /** Holds the handle open until {@code attempt} completes; false if it is closed already. */
  boolean keepOpen(CompletableFuture<?> attempt) {
    synchronized (this) {
      if (closed) {
        return false;
      }
      pendingAttempts++;
    }
    attempt.whenComplete((v, e) -> {
      synchronized (this) {
        pendingAttempts--;
      }
      giveUpIfGone();
    });
    return true;
  }

  /** Whether the handle closed or gave up: a new connection to the peer needs a new handle. */
  synchronized boolean isClosed() {
    return closed;
  }

  private void giveUpIfGone() {
    synchronized (this) {
      if (closed || !meters.isEmpty() || pendingAttempts > 0) {
        return;
      }
      closed = true;
    }
    finish(new PeerException(PeerError.IO, "no connection to " + peer + " is left and none is being made"));
    closeFuture.complete(null);
  }

  private void finish(PeerException why) {
    registry.removed(this);
    probe.stop();
    liveness.stop();
    waiters.takeAll().forEach(w -> w.fail(why));
    messages.closed();
  }

  private void sampled(PathMeter meter) {
    synchronized (this) {
      if (!closed && meters.contains(meter)) {
        emit(selector.sampled(meter, meters));
      }
    }
  }

  /**
   * What a stream open or a ping on {@code meter}'s connection came to: counts toward demoting it
   * or bringing it back, and moves new streams when its health changed.
   */
  void outcome(PathMeter meter, boolean ok) {
    if (!ok) {
      core.emit(l -> l.pathFailed(peer, meter.connection()));
    }
    if (!(ok ? meter.success() : meter.failure())) {
      return;
    }
    healthChanged(meter);
  }

  /**
   * What a liveness probe on {@code meter}'s connection came to: one unanswered makes it
   * unresponsive (new streams leave it for any responsive connection), answered ones bring it back.
   */
  void probed(PathMeter meter, boolean answered) {
    if (!answered) {
      core.emit(l -> l.pathFailed(peer, meter.connection()));
    }
    if (answered ? meter.probeAnswered() : meter.probeUnanswered()) {
      healthChanged(meter);
    }
  }

  private void healthChanged(PathMeter meter) {
    List<PathWaiters.Waiter> ready;
    PeerConnection selected;
    synchronized (this) {
      if (closed || !meters.contains(meter)) {
        return;
      }
      PathHealth health = meter.health();
      core.emit(l -> l.pathHealthChanged(peer, meter.connection(), health));
      emit(selector.healthChanged(meters));
      // A direct connection that answers again serves the streams waiting for one.
      selected = selector.selected().connection();
      ready = waiters.satisfiedBy(selector.selected().rank());
    }
    ready.forEach(w -> w.complete(selected));
  }

  /** The connections liveness probes watch: the selected one and the unresponsive ones, while there is a choice. */
  synchronized List<PathMeter> probeTargets() {
    if (closed || meters.size() < 2) {
      return List.of();
    }
    List<PathMeter> targets = new ArrayList<>(2);
    for (PathMeter m : meters) {
      if (m == selector.selected() || m.unresponsive()) {
        targets.add(m);
      }
    }
    return targets;
  }

  /** A quality ping ended a throughput interval on one connection. */
  void qualityMeasured(PathQuality quality) {
    core.emit(l -> l.pathQualityMeasured(peer, quality));
  }

  /** Every connection's recent throughput was brought up to date: it may move new streams. */
  void throughputMeasured() {
    synchronized (this) {
      if (!closed) {
        emit(selector.throughputMeasured(meters));
      }
    }
  }

  /** A quality ping measured {@code rtt} on {@code connection}. */
  void rttMeasured(PeerConnection connection, Duration rtt) {
    core.emit(l -> l.pathRttMeasured(peer, connection, rtt));
  }

  private void emit(PathSelector.Change<PathMeter> change) {
    if (change == null || change.from() == change.to()) {
      return;
    }
    Peer from = change.from() == null ? null : change.from().connection();
    Peer to = change.to() == null ? null : change.to().connection();
    core.emit(l -> l.pathChanged(peer, from, to, change.reason()));
  }

  private PathMeter find(PeerConnection connection) {
    for (PathMeter m : meters) {
      if (m.connection() == connection) {
        return m;
      }
    }
    return null;
  }

  /**
   * The selected connection's meter, after letting go of a selected connection whose channel is
   * already closing: new streams move the moment a connection dies, not when its close completes.
   */
  private PathMeter liveSelection() {
    while (true) {
      PathMeter m;
      synchronized (this) {
        m = selector.selected();
        if (m == null || m.connection().isOpen() || !meters.contains(m)) {
          return m;
        }
      }
      remove(m.connection());
    }
  }

  /** The meters of the open connections, best first. */
  synchronized List<PathMeter> meters() {
    return selector.ordered(meters);
  }

  /** The open connections, best first. */
  List<PeerConnection> openConnections() {
    return meters().stream().map(PathMeter::connection).toList();
  }

  // ------------------------------------------------------------------ choosing a connection

  /**
   * The connection for a stream: the selected one, if {@code limitedOk} or it is unlimited; else
   * waits for one up to {@code PeerConfig.waitForDirectConnection}. {@code what} names the stream's
   * protocols in the error.
   */
  CompletableFuture<PeerConnection> connectionFor(boolean limitedOk, Object what) {
    return connectionFor(limitedOk, what, core.config().waitForDirectConnection());
  }

  private CompletableFuture<PeerConnection> connectionFor(boolean limitedOk, Object what, Duration wait) {
    liveSelection();
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new PeerException(PeerError.IO, "the handle of " + peer + " is closed; connect again"));
      }
      PathMeter best = selector.selected();
      if (best != null && (limitedOk || best.rank() < PathSelector.rank(true, false))) {
        return CompletableFuture.completedFuture(best.connection());
      }
      if (best == null && pendingAttempts == 0) {
        return CompletableFuture.failedFuture(new PeerException(PeerError.IO, "no connection to " + peer));
      }
      return waiters.add(!limitedOk, wait, core.eventLoops().next(), () -> limitedOk || meters().isEmpty()
              ? PathWaiters.noConnection(peer, wait) : PathWaiters.onlyLimited(peer, what, wait))
          .future();
    }
  }

  /**
   * Runs {@code op} on the connection for {@code protocols}, once more on another if it closed or
   * new streams moved away from it (its failures demoted it) meanwhile.
   */
  private <T> CompletableFuture<T> onConnection(List<String> protocols,
      Function<PeerConnection, CompletableFuture<T>> op) {
    boolean limitedOk = protocols.stream().anyMatch(core::runsOnLimitedConnections);
    return connectionFor(limitedOk, protocols).thenCompose(c -> measured(c, op)
        .exceptionallyCompose(e -> closing || (c.isOpen() && (!pathFailure(e) || isSelected(c)))
            ? CompletableFuture.failedFuture(e)
            : connectionFor(limitedOk, protocols).thenCompose(next -> measured(next, op))));
  }

  private synchronized boolean isSelected(PeerConnection c) {
    PathMeter m = selector.selected();
    return m != null && m.connection() == c;
  }

  /**
   * Whether a failed stream open or ping says something about the path: a protocol the peer
   * refused or a relay's limit is the peer's answer, and another connection would get the same.
   */
  private static boolean pathFailure(Throwable e) {
    PeerException pe = PeerException.wrap(e, PeerError.IO);
    return !(pe instanceof LimitExceededException) && pe.kind() != PeerError.PROTOCOL;
  }

  private <T> CompletableFuture<T> measured(PeerConnection c, Function<PeerConnection, CompletableFuture<T>> op) {
    return op.apply(c).whenComplete((v, e) -> {
      if (e == null || pathFailure(e)) {
        PathMeter m;
        synchronized (this) {
          m = find(c);
        }
        if (m != null) {
          outcome(m, e == null);
        }
      }
    });
  }

  // ------------------------------------------------------------------ the Peer API

  @Override
  public PeerId peerId() {
    return peer;
  }

  @Override
  public List<Peer> connections() {
    return List.copyOf(openConnections());
  }

  @Override
  public Optional<Peer> current() {
    PathMeter m = liveSelection();
    synchronized (this) {
      return m == null || !meters.contains(m) ? Optional.empty() : Optional.of(m.connection());
    }
  }

  @Override
  public List<PathQuality> quality() {
    List<PathMeter> ordered = meters();
    List<PathQuality> out = new ArrayList<>(ordered.size());
    for (int i = 0; i < ordered.size(); i++) {
      out.add(ordered.get(i).quality(i == 0));
    }
    return out;
  }

  @Override
  public CompletableFuture<Peer> directConnection(Duration maxWait) {
    return connectionFor(false, "a direct connection", maxWait).thenApply(Function.<Peer>identity());
  }

  @Override
  public CompletableFuture<Stream> newStream(List<String> protocols, StreamHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("name at least one protocol");
    }
    List<String> offered = List.copyOf(protocols);
    return onConnection(offered, c -> c.newStream(offered, handler));
  }

  @Override
  public void handle(String protocol, StreamHandler handler) {
    if (handler == null) {
      ownHandlers.remove(protocol);
    } else {
      ownHandlers.put(protocol, handler);
    }
    openConnections().forEach(c -> c.handle(protocol, handler));
  }

  @Override
  public CompletableFuture<Duration> ping() {
    return current().map(c -> measured((PeerConnection) c, PeerConnection::ping))
        .orElseGet(() -> CompletableFuture.failedFuture(new PeerException(PeerError.IO, "no connection to " + peer)));
  }

  @Override
  public CompletableFuture<IdentifyInfo> identify() {
    return current().map(Peer::identify)
        .orElseGet(() -> CompletableFuture.failedFuture(new PeerException(PeerError.IO, "no connection to " + peer)));
  }

  @Override
  public synchronized boolean isOpen() {
    return !closed && (!meters.isEmpty() || pendingAttempts > 0);
  }

  @Override
  public synchronized PeerState state() {
    if (closed) {
      return closeFuture.isDone() ? PeerState.DISCONNECTED : PeerState.DISCONNECTING;
    }
    return meters.isEmpty() ? PeerState.CONNECTING : PeerState.CONNECTED;
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    Objects.requireNonNull(message, "message");
    return onConnection(List.of(MessageHandler.PROTOCOL), c -> c.send(message));
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    return messages.receive();
  }

  @Override
  public void onMessage(MessageHandler handler) {
    messages.onMessage(handler);
  }

  @Override
  public CompletableFuture<Void> close() {
    List<PeerConnection> open;
    synchronized (this) {
      if (closed) {
        return closeFuture;
      }
      closed = true;
      closing = true;
      open = openConnections();
    }
    finish(new PeerException(PeerError.IO, "the handle of " + peer + " was closed"));
    CompletableFuture.allOf(open.stream().map(PeerConnection::close).toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> closeFuture.complete(null));
    return closeFuture;
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "PeerHandle(" + peer + ", " + connections().size() + " connections)";
  }
}
