package io.peerlink.core;

import io.peerlink.core.event.CircuitEnd;
import io.peerlink.core.event.DialStage;
import io.peerlink.core.event.HopRequest;
import io.peerlink.core.event.PathChangeReason;
import io.peerlink.core.event.PathHealth;
import io.peerlink.core.event.PunchRole;
import io.peerlink.core.event.Reachability;
import io.peerlink.core.event.RelayState;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything a peerlink host does that an application may want to observe, in one interface, the
 * way OkHttp's {@code EventListener} covers a call: connections (connect, secure handshake, open,
 * close, state), dials and their stages (direct, hole punch, relay), relay reservations and the
 * relays AutoRelay picks, hole punches, reachability, and, on a relay, the requests and circuits it
 * serves, and which connection a peer's streams take. Operations come as paired callbacks:
 * {@code xStart}, then exactly one of {@code xEnd} or {@code xFailed}.
 *
 * <p>Every method has an empty default: implement the ones you need. Listeners are given to the
 * host's builder ({@code eventListener}); they run one event at a time, in the order the events
 * happened, on the executor given there ({@code eventExecutor}, a common pool by default), never on
 * an event loop, so a slow listener does not slow the network. A listener that throws is logged and
 * the next event still comes. Metrics hang off this interface ({@code MicrometerMetrics}), and so can
 * logs.
 *
 * <p>Connection events ({@link #connectStart} to {@link #peerStateChanged}) go to the listener the
 * {@link Factory} makes for that connection (by default the host's own listener), so a listener
 * can keep per-connection state.
 */
public interface EventListener {

  /** A listener that ignores every event. */
  EventListener NONE = new EventListener() {};

  /**
   * A listener of {@link #connectionOpened} only, the event applications most often want.
   *
   * @param action called with each connection once it is ready for streams
   * @return the listener
   */
  static EventListener onConnectionOpened(Consumer<Peer> action) {
    Objects.requireNonNull(action, "action");
    return new EventListener() {
      @Override
      public void connectionOpened(Peer peer) {
        action.accept(peer);
      }
    };
  }

  /**
   * Makes the listener for one connection's events, when the connection starts (a dial leaves or a
   * connection is accepted).
   */
  @FunctionalInterface
  interface Factory {
    /**
     * The listener for a new connection's events.
     *
     * @param direction whether we dialed ({@link Direction#OUTBOUND}) or accepted it
     * @param remote the remote address
     * @return the listener; the same one for every connection is fine
     */
    EventListener create(Direction direction, Multiaddr remote);

    /**
     * A factory that returns {@code listener} for every connection.
     *
     * @param listener the listener
     * @return the factory
     */
    static Factory of(EventListener listener) {
      return (direction, remote) -> listener;
    }
  }

  // ------------------------------------------------------------------ one connection

  /**
   * A connection starts: an outbound TCP connect (or a hole punch's dial, or a relayed circuit)
   * leaves, or an inbound connection was accepted.
   *
   * @param direction who dialed
   * @param remote the remote address
   */
  default void connectStart(Direction direction, Multiaddr remote) {}

  /**
   * The transport is up (TCP connected, or the circuit through the relay is open); the security
   * handshake starts next.
   *
   * @param direction who dialed
   * @param remote the remote address
   * @param took since {@link #connectStart}
   */
  default void connectEnd(Direction direction, Multiaddr remote, Duration took) {}

  /**
   * The transport could not be set up (refused, unreachable, timed out, cancelled).
   *
   * @param direction who dialed
   * @param remote the remote address
   * @param error what failed
   */
  default void connectFailed(Direction direction, Multiaddr remote, PeerException error) {}

  /**
   * The security handshake (TLS or Noise) and the muxer agreement start.
   *
   * @param connection the connection
   */
  default void secureStart(ConnectionInfo connection) {}

  /**
   * The connection is authenticated and multiplexed: {@link #connectionOpened} follows.
   *
   * @param connection the connection
   * @param peer the authenticated remote
   * @param securityProtocol the protocol that secured it, such as {@code /tls/1.0.0} or {@code /noise}
   * @param took since {@link #secureStart}
   */
  default void secureEnd(ConnectionInfo connection, PeerId peer, String securityProtocol, Duration took) {}

  /**
   * The security handshake or the muxer agreement failed or timed out; the connection was closed.
   *
   * @param connection the connection
   * @param error what went wrong
   */
  default void secureFailed(ConnectionInfo connection, PeerException error) {}

  /**
   * A connection is ready for streams.
   *
   * @param peer the connection
   */
  default void connectionOpened(Peer peer) {}

  /**
   * A connection that was open closed.
   *
   * @param peer the connection
   * @param cause why, or null for a normal close by either side
   */
  default void connectionClosed(Peer peer, Throwable cause) {}

  /**
   * A connection moved from one {@link PeerState} to another; fired for every move, before the
   * event the move stands for ({@link #connectionOpened}, {@link #connectionClosed},
   * {@link #secureFailed}).
   *
   * @param connection the connection
   * @param from the state it left
   * @param to the state it entered
   */
  default void peerStateChanged(ConnectionInfo connection, PeerState from, PeerState to) {}

  // ------------------------------------------------------------------ one peer, many connections

  /**
   * A peer's handle ({@link PeerHandle}) moved new streams to another connection: the first one
   * opened, a better one appeared (a hole punch won), one measured clearly faster, or the selected
   * one closed. Streams already open stay where they are. A reconnection policy listens for
   * {@link PathChangeReason#PATH_LOST} to dial or punch again.
   *
   * @param peer the remote peer
   * @param from the connection new streams went to, or null when it is the first
   * @param to the connection they go to now, or null when no connection is left
   * @param reason why
   */
  default void pathChanged(PeerId peer, Peer from, Peer to, PathChangeReason reason) {}

  /**
   * A quality ping measured one round trip on one of a peer's connections (only while the peer
   * has more than one connection: {@link PeerConfig#qualityPingInterval()}).
   *
   * @param peer the remote peer
   * @param connection the connection measured
   * @param rtt the round-trip time
   */
  default void pathRttMeasured(PeerId peer, Peer connection, Duration rtt) {}

  /**
   * A quality ping ended a measuring interval on one of a peer's connections (only while the peer
   * has more than one: {@link PeerConfig#qualityPingInterval()}): the figures the path selector
   * uses, as {@link PeerHandle#quality()} would return them, with the throughput of that interval.
   *
   * @param peer the remote peer
   * @param quality what the connection measured
   */
  default void pathQualityMeasured(PeerId peer, PathQuality quality) {}

  /**
   * A stream open, a ping or a liveness probe failed on one of a peer's connections, for a reason
   * that says something about the path (not a refused protocol or a relay's limit).
   *
   * @param peer the remote peer
   * @param connection the connection it failed on
   */
  default void pathFailed(PeerId peer, Peer connection) {}

  /**
   * One of a peer's connections changed health: demoted for failures in a row
   * ({@link PathHealth#FAILING}), unresponsive to a liveness probe ({@link PathHealth#UNRESPONSIVE}),
   * or healthy again. A change of where new streams go follows as {@link #pathChanged}.
   *
   * @param peer the remote peer
   * @param connection the connection
   * @param health its health now
   */
  default void pathHealthChanged(PeerId peer, Peer connection, PathHealth health) {}

  // ------------------------------------------------------------------ the host

  /**
   * The listener closed an accepted connection before any handshake because a listener limit was
   * reached.
   *
   * @param remote where the connection came from
   * @param reason the limit it hit
   */
  default void inboundRefused(InetSocketAddress remote, RejectReason reason) {}

  /**
   * A request was refused because a scope of the host's {@link ResourceLimits} was full: a stream
   * was reset or not opened, or a connection closed right after its handshake.
   *
   * @param scope the scope that had no room
   * @param resource what it had no room for
   * @param remote the remote peer, or its address when the peer is not known
   */
  default void resourceLimitExceeded(ResourceLimits.Scope scope, ResourceLimits.Resource resource, String remote) {}

  /**
   * A dial to a peer starts: its addresses, tried with the dial policy's retries.
   *
   * @param peer the peer
   * @param addresses the addresses to try
   */
  default void dialStart(PeerId peer, List<Multiaddr> addresses) {}

  /**
   * A dial reached the peer.
   *
   * @param peer the peer
   * @param connection the connection it made (or reused)
   * @param took since {@link #dialStart}
   */
  default void dialEnd(PeerId peer, Peer connection, Duration took) {}

  /**
   * One attempt of a dial failed on every address; another follows after {@code retryIn}, or none
   * when it is null (then {@link #dialFailed} follows).
   *
   * @param peer the peer
   * @param attempt 1 for the first attempt
   * @param addresses the addresses tried in this attempt
   * @param error why it failed
   * @param retryIn the wait before the next attempt, or null
   */
  default void dialAttemptFailed(PeerId peer, int attempt, List<Multiaddr> addresses, PeerException error,
      Duration retryIn) {}

  /**
   * A dial gave up.
   *
   * @param peer the peer
   * @param error why
   * @param took since {@link #dialStart}
   */
  default void dialFailed(PeerId peer, PeerException error, Duration took) {}

  /**
   * A stage of reaching a peer the best way there is starts: direct, then a hole punch over a
   * relayed connection, then the relayed connection itself.
   *
   * @param peer the peer
   * @param stage the stage
   */
  default void dialStageStart(PeerId peer, DialStage stage) {}

  /**
   * A stage reached the peer.
   *
   * @param peer the peer
   * @param stage the stage
   * @param connection the connection it made
   * @param took since the stage started
   */
  default void dialStageEnd(PeerId peer, DialStage stage, Peer connection, Duration took) {}

  /**
   * A stage failed, or was skipped (the error says why: no address, no relay).
   *
   * @param peer the peer
   * @param stage the stage
   * @param error why
   * @param took since the stage started (zero when skipped)
   */
  default void dialStageFailed(PeerId peer, DialStage stage, PeerException error, Duration took) {}

  /**
   * The manager tries to win back a lost path to a peer it dialed, without the application
   * dialing again: a new direct dial or hole punch after the direct connection died (stage
   * {@code DIRECT} or {@code HOLE_PUNCH}), or a dial through another relay after the relayed one
   * died (stage {@code RELAY}).
   *
   * @param peer the peer
   * @param stage the path being won back
   * @param attempt the attempt number, from 1
   */
  default void reconnectStart(PeerId peer, DialStage stage, int attempt) {}

  /**
   * A reconnection reached the peer again.
   *
   * @param peer the peer
   * @param stage the path won back
   * @param connection the new connection
   */
  default void reconnectEnd(PeerId peer, DialStage stage, Peer connection) {}

  /**
   * A reconnection attempt failed.
   *
   * @param peer the peer
   * @param stage the path being won back
   * @param attempt the attempt number, from 1
   * @param error why
   * @param retryIn when the next attempt starts; null when the manager gives up
   */
  default void reconnectFailed(PeerId peer, DialStage stage, int attempt, PeerException error, Duration retryIn) {}

  /**
   * A relay we depend on (a reservation, a circuit) did not answer a ping in time: its connection
   * is closed so that reservations and circuits fail over to other relays now, not after the
   * keep-alive gives up.
   *
   * @param relay the relay
   * @param error why
   */
  default void relayProbeFailed(PeerId relay, PeerException error) {}

  // ------------------------------------------------------------------ relays (client side)

  /**
   * A reservation request to a relay starts (a first reservation or a refresh).
   *
   * @param relay the relay's address
   */
  default void reservationStart(Multiaddr relay) {}

  /**
   * A relay granted (or renewed) a reservation: peers can reach us at {@code addresses}.
   *
   * @param relay the relay
   * @param addresses our circuit addresses through it
   * @param expires when the reservation runs out unless refreshed
   * @param renewal whether it renewed a reservation already held
   */
  default void reservationEnd(PeerId relay, List<Multiaddr> addresses, Instant expires, boolean renewal) {}

  /**
   * A reservation request failed (refused, unreachable, timed out).
   *
   * @param relay the relay's address
   * @param error why; a {@code RelayException} carries the relay's status
   */
  default void reservationFailed(Multiaddr relay, PeerException error) {}

  /**
   * A held reservation ended without being cancelled: the connection to the relay closed, or a
   * refresh failed.
   *
   * @param relay the relay
   * @param cause why
   */
  default void reservationLost(PeerId relay, PeerException cause) {}

  /**
   * The relay service (one relay, set by address) moved between its states.
   *
   * @param from the state it left
   * @param to the state it entered
   * @param relay the relay, or null when none is set
   * @param cause the failure that caused the move, or null
   * @param retryIn when it tries again after a failure, or null
   */
  default void relayStateChanged(RelayState from, RelayState to, Multiaddr relay, PeerException cause,
      Duration retryIn) {}

  /**
   * AutoRelay holds a new reservation on a relay (a first one, or one replacing a lost relay);
   * its refreshes come as {@link #reservationEnd} with {@code renewal} set.
   *
   * @param relay the relay
   * @param addresses our circuit addresses through it
   * @param expires when the reservation runs out unless refreshed
   */
  default void relayAdded(PeerId relay, List<Multiaddr> addresses, Instant expires) {}

  /**
   * AutoRelay let go of a relay it held: its connection closed, a refresh failed, or it was one too
   * many.
   *
   * @param relay the relay
   * @param reason why, in words
   * @param cause the failure, or null
   */
  default void relayDropped(PeerId relay, String reason, PeerException cause) {}

  /**
   * AutoRelay will not try a relay again until {@code until}: it refused a reservation, could not
   * be reached, or does not offer the relay protocol.
   *
   * @param relay the relay
   * @param until when it may be tried again
   * @param cause why
   */
  default void relayBlacklisted(PeerId relay, Instant until, PeerException cause) {}

  /**
   * Our relayed addresses changed (a relay added or lost, or a reservation renewed with other
   * addresses); identify answers carry this set from now on.
   *
   * @param addresses our circuit addresses now, empty when no relay is held
   */
  default void relayAddressesChanged(List<Multiaddr> addresses) {}

  // ------------------------------------------------------------------ hole punching and reachability

  /**
   * A DCUtR hole punch with a peer we are connected to through a relay starts.
   *
   * @param peer the peer
   * @param role our side of the exchange
   */
  default void holePunchStart(PeerId peer, PunchRole role) {}

  /**
   * One punch attempt failed; another follows unless {@code attempt} was the last (then
   * {@link #holePunchFailed}).
   *
   * @param peer the peer
   * @param attempt 1 for the first attempt
   * @param error why
   */
  default void holePunchAttemptFailed(PeerId peer, int attempt, PeerException error) {}

  /**
   * The punch made a direct connection (or the peer dialed us back directly, a connection
   * reversal); the relayed connection stays beside it.
   *
   * @param peer the peer
   * @param role our side of the exchange
   * @param connection the direct connection
   * @param took since {@link #holePunchStart}
   */
  default void holePunchEnd(PeerId peer, PunchRole role, Peer connection, Duration took) {}

  /**
   * The punch gave up; the relayed connection carries the traffic.
   *
   * @param peer the peer
   * @param role our side of the exchange
   * @param error why
   * @param took since {@link #holePunchStart}
   */
  default void holePunchFailed(PeerId peer, PunchRole role, PeerException error, Duration took) {}

  /**
   * AutoNAT's verdict on whether other peers can dial us changed.
   *
   * @param previous the verdict before
   * @param current the verdict now (never equal to {@code previous})
   */
  default void reachabilityChanged(Reachability previous, Reachability current) {}

  // ------------------------------------------------------------------ serving as a relay

  /**
   * The relay answered a hop request (a reservation or a circuit), OK or with a refusal.
   *
   * @param from who asked
   * @param request what was asked
   * @param status the answer
   */
  default void relayRequestAnswered(PeerId from, HopRequest request, RelayStatus status) {}

  /**
   * The relay granted a reservation.
   *
   * @param client who holds it
   * @param renewal whether it renewed one the client held
   */
  default void relayReservationGranted(PeerId client, boolean renewal) {}

  /**
   * Reservations held on the relay ended (expired, or the relay stopped).
   *
   * @param count how many
   */
  default void relayReservationsEnded(int count) {}

  /**
   * The relay opened a circuit between two peers.
   *
   * @param source the peer that asked for it
   * @param target the peer it reaches
   */
  default void circuitOpened(PeerId source, PeerId target) {}

  /**
   * A circuit through the relay ended.
   *
   * @param source the peer that asked for it
   * @param target the peer it reached
   * @param end why it ended
   * @param lifetime how long it was open
   * @param bytesToTarget bytes relayed from the source to the target
   * @param bytesToSource bytes relayed the other way
   */
  default void circuitClosed(PeerId source, PeerId target, CircuitEnd end, Duration lifetime,
      long bytesToTarget, long bytesToSource) {}

  /**
   * The relay could not open a circuit it had accepted: the stop handshake with the target failed.
   *
   * @param source the peer that asked for it
   * @param target the peer it was to reach
   * @param error why
   */
  default void circuitFailed(PeerId source, PeerId target, PeerException error) {}
}
