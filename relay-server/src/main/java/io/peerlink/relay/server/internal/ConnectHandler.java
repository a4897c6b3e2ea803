package io.peerlink.relay.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.Stream;
import io.peerlink.core.event.CircuitEnd;
import io.peerlink.core.event.HopRequest;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.relay.internal.circuit.CircuitLimit;
import io.peerlink.relay.internal.circuit.CircuitMessageException;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.server.RelayLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's answer to CONNECT: checks the request (direct connection, a valid target other
 * than the source itself, ACL, relay running, the target's reservation, the circuit limits in the
 * {@link CircuitTable}), runs the {@link StopHandshake} with the target over its existing
 * connection, answers the source OK and splices the two streams ({@link CircuitSplice}); or
 * refuses with the status that says why. Keeps the open circuits, so the relay can drain or end
 * them when it stops.
 *
 * <p>Thread-safe.
 */
public final class ConnectHandler {
  private static final Logger log = LoggerFactory.getLogger(ConnectHandler.class);

  /** Bound on bytes held from either end between the handshake and the splice. */
  public static final int MAX_PENDING_BYTES = 64 * 1024;

  private final RelayContext relay;
  private final ReservationTable reservations;
  private final CircuitTable circuits;
  private final RelayLimiter limiter;
  private final CircuitLimit limit;
  private final Set<CircuitSplice> splices = ConcurrentHashMap.newKeySet();
  private final AtomicLong bytesRelayed = new AtomicLong();

  /**
   * @param relay what the handler shares with the server
   * @param reservations the relay's reservations: a CONNECT's target must hold one
   * @param circuits the relay's circuits, counted against its limits
   * @param limiter the timeouts and message size in force
   * @param limit the limit on each circuit
   */
  public ConnectHandler(RelayContext relay, ReservationTable reservations, CircuitTable circuits,
      RelayLimiter limiter, CircuitLimit limit) {
    this.relay = relay;
    this.reservations = reservations;
    this.circuits = circuits;
    this.limiter = limiter;
    this.limit = limit;
  }

  /**
   * Handles a CONNECT received on {@code stream}: checks, stop handshake with the target, answer,
   * then the circuit; reports the answer. Called on the stream's event loop with the stream's
   * reading paused.
   *
   * @param stream the hop stream
   * @param request the CONNECT request read from it
   * @return a future that completes with the status sent
   */
  public CompletableFuture<RelayStatus> handle(Stream stream, HopMessage request) {
    CompletableFuture<RelayStatus> done = connect(stream, request);
    PeerId from = stream.peer().peerId();
    done.thenAccept(s -> relay.host().emit(l -> l.relayRequestAnswered(from, HopRequest.CONNECT, s)));
    return done;
  }

  /** {@return bytes relayed through circuits so far, both directions together} */
  public long bytesRelayed() {
    return bytesRelayed.get();
  }

  /** {@return when each open circuit ends (a snapshot)} */
  public List<CompletableFuture<CircuitEnd>> openCircuitEnds() {
    List<CompletableFuture<CircuitEnd>> ends = new ArrayList<>();
    for (CircuitSplice s : splices) {
      ends.add(s.endFuture());
    }
    return ends;
  }

  /**
   * Ends every open circuit now, resetting both streams.
   *
   * @param why the reason reported for each
   */
  public void abortAll(CircuitEnd why) {
    for (CircuitSplice s : splices) {
      s.abort(why);
    }
  }

  private CompletableFuture<RelayStatus> connect(Stream stream, HopMessage request) {
    Channel src = stream.channel();
    Peer source = stream.peer();
    if (HopReplies.isRelayed(source)) {
      return completed(HopReplies.refuse(src, RelayStatus.PERMISSION_DENIED, "connect over a relayed connection", source));
    }
    PeerId dest;
    try {
      dest = CircuitMessages.peerId(request.getPeer());
    } catch (CircuitMessageException e) {
      return completed(HopReplies.refuse(src, RelayStatus.MALFORMED_MESSAGE, e.getMessage(), source));
    }
    if (dest.equals(source.peerId())) {
      // A circuit back to its source is never useful, and the source's stop handler would have
      // to time out before the relay could answer.
      return completed(HopReplies.refuse(src, RelayStatus.PERMISSION_DENIED, "a connect to oneself", source));
    }
    if (!relay.acl().allowConnect(source.peerId(), source.remoteAddress(), dest)) {
      return completed(HopReplies.refuse(src, RelayStatus.PERMISSION_DENIED, "ACL", source));
    }
    if (!relay.running().getAsBoolean()) {
      return completed(HopReplies.refuse(src, RelayStatus.RESOURCE_LIMIT_EXCEEDED, "relay stopping", source));
    }
    Instant now = relay.clock().instant();
    ReservationTable.Entry rsvp = reservations.active(dest, now).orElse(null);
    if (rsvp == null) {
      return completed(HopReplies.refuse(src, RelayStatus.NO_RESERVATION, "no reservation for " + dest, source));
    }
    CircuitTable.Circuit circuit = circuits.tryOpen(source.peerId(), dest, now);
    if (circuit == null) {
      return completed(HopReplies.refuse(src, RelayStatus.RESOURCE_LIMIT_EXCEEDED, "circuit limit", source));
    }
    Peer target = (Peer) rsvp.owner();
    CompletableFuture<RelayStatus> result = new CompletableFuture<>();
    StopHandshake.run(target, source.peerId(), limit, limiter.connectTimeout(),
            limiter.stopHandshakeTimeout(), limiter.maxMessageSize(), MAX_PENDING_BYTES)
        .whenComplete((stop, err) -> src.eventLoop().execute(() -> {
          if (err != null) {
            circuit.release();
            PeerException pe = PeerException.wrap(err, PeerError.CONNECT);
            relay.host().emit(l -> l.circuitFailed(source.peerId(), dest, pe));
            log.debug("circuit {} -> {} failed: {}", source.peerId(), dest, err.getMessage());
            result.complete(HopReplies.refuse(src, RelayStatus.CONNECTION_FAILED, err.getMessage(), source));
            return;
          }
          splice(src, stop, circuit, result);
        }));
    return result;
  }

  /** Answers OK to the source, then splices; on the source stream's event loop. */
  private void splice(Channel src, Channel stop, CircuitTable.Circuit circuit, CompletableFuture<RelayStatus> result) {
    if (!src.isActive() || !relay.running().getAsBoolean()) {
      circuit.release();
      StreamChannels.reset(stop);
      StreamChannels.reset(src);
      PeerException gone = new PeerException(PeerError.IO, "the source's stream closed before the circuit opened");
      relay.host().emit(l -> l.circuitFailed(circuit.source(), circuit.target(), gone));
      result.complete(RelayStatus.CONNECTION_FAILED);
      return;
    }
    CircuitSplice splice = new CircuitSplice(src, stop, limit.dataBytes(),
        Duration.ofSeconds(limit.durationSeconds()), limiter.limitFlushTimeout(), StreamChannels::reset,
        (toTarget, n) -> {
          (toTarget ? circuit.toTarget() : circuit.toSource()).addAndGet(n);
          bytesRelayed.addAndGet(n);
        });
    src.writeAndFlush(CircuitMessages.encode(src.alloc(), CircuitMessages.hopStatus(RelayStatus.OK, null, limit)))
        .addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            circuit.release();
            PeerException pe = PeerException.wrap(f.cause(), PeerError.IO);
            relay.host().emit(l -> l.circuitFailed(circuit.source(), circuit.target(), pe));
            StreamChannels.reset(stop);
            StreamChannels.reset(src);
            result.complete(RelayStatus.CONNECTION_FAILED);
            return;
          }
          Instant opened = relay.clock().instant();
          circuit.spliced(opened);
          splices.add(splice);
          relay.host().emit(l -> l.circuitOpened(circuit.source(), circuit.target()));
          splice.endFuture().whenComplete((end, e) -> {
            splices.remove(splice);
            circuit.release();
            Duration lifetime = Duration.between(opened, relay.clock().instant());
            long toTarget = splice.bytesToTarget();
            long toSource = splice.bytesToSource();
            relay.host().emit(l -> l.circuitClosed(circuit.source(), circuit.target(), end, lifetime, toTarget, toSource));
            log.debug("circuit {} -> {} ended: {} ({} / {} bytes)", circuit.source(), circuit.target(), end,
                splice.bytesToTarget(), splice.bytesToSource());
          });
          splice.start(List.of(), List.of());
          if (!relay.running().getAsBoolean()) {
            splice.abort(CircuitEnd.STOPPED);
          }
          result.complete(RelayStatus.OK);
        });
  }

  private static CompletableFuture<RelayStatus> completed(RelayStatus s) {
    return CompletableFuture.completedFuture(s);
  }
}
