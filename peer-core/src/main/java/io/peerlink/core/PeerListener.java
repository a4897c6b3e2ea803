package io.peerlink.core;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Observes connections: state changes, connects, disconnects, failed handshakes, rejected inbound
 * connections and failed dial attempts. Every method has a no-op default; override what you need.
 *
 * <p>Callbacks run on the executor given to the {@link Listener}, {@link Connector} or
 * {@link PeerPool} builder (by default a shared pool thread, never a Netty event loop), one at a
 * time and in the order the events happened, so a slow listener delays later events but not the
 * network. A listener that throws is logged and skipped; other listeners and later events still
 * run.
 */
public interface PeerListener {

  /**
   * A connection moved from {@code from} to {@code to}; see {@link PeerState} for the possible
   * moves. Fired for every move; {@link #connected}, {@link #disconnected} and
   * {@link #handshakeFailed} follow the move they report.
   *
   * @param connection the connection
   * @param from the state it left
   * @param to the state it entered
   */
  default void stateChanged(ConnectionInfo connection, PeerState from, PeerState to) {}

  /**
   * A connection became {@link PeerState#CONNECTED}; fired right after that state change.
   *
   * @param peer the connection
   */
  default void connected(Peer peer) {}

  /**
   * A connected peer's connection closed ({@link PeerState#DISCONNECTED}).
   *
   * @param peer the connection that closed
   * @param cause why, or null for a normal close by either side
   */
  default void disconnected(Peer peer, Throwable cause) {}

  /**
   * The security handshake or muxer negotiation failed (or timed out) on a connection, inbound or
   * outbound, which was then closed.
   *
   * @param connection the connection
   * @param error what went wrong
   */
  default void handshakeFailed(ConnectionInfo connection, PeerException error) {}

  /**
   * A {@link Listener} closed an accepted connection before any handshake because a
   * {@link ListenerLimits} limit was reached.
   *
   * @param remote the address the connection came from
   * @param reason the limit it hit
   */
  default void inboundRejected(InetSocketAddress remote, RejectReason reason) {}

  /**
   * One attempt to dial {@code peer} failed (every address of it); another follows after
   * {@code retryIn}, or none if {@code retryIn} is null.
   *
   * @param peer the peer being dialed
   * @param error why the attempt failed
   * @param retryIn the wait before the next attempt
   * @param attempt 1 for the first attempt
   * @param addresses the addresses tried in this attempt
   */
  default void dialFailed(PeerId peer, int attempt, java.util.List<Multiaddr> addresses, PeerException error,
      Duration retryIn) {}
}
