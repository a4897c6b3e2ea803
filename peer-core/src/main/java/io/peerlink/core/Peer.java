package io.peerlink.core;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Component;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One authenticated, multiplexed connection to a remote peer.
 *
 * <p>A {@code Peer} comes from {@link Connector#connect} (outbound) or from a {@link Listener}
 * (inbound). Open streams with {@link #newStream}; streams the remote opens are routed to the
 * {@link StreamHandler} registered for their protocol, on this peer or on the listener or connector
 * that made it. All methods are thread-safe; futures complete on the connection's event loop, so
 * callbacks attached to them must not block.
 */
public interface Peer {

  /** {@return the remote peer's authenticated ID} */
  PeerId peerId();

  /** {@return the remote address, as a multiaddr without {@code /p2p}} */
  Multiaddr remoteAddress();

  /** {@return our local address of this connection} */
  Multiaddr localAddress();

  /** {@return who dialed} */
  Direction direction();

  /** {@return how the connection reaches the peer} */
  ConnectionPath path();

  /**
   * The relay's limit when this is a limited relayed connection; empty for direct connections and
   * for relayed ones without a limit. On a limited connection streams run only for protocols that
   * opted in to limited connections.
   *
   * @return the connection's limit, if it has one
   */
  default Optional<ConnectionLimit> limit() {
    return Optional.empty();
  }

  /**
   * The transport the connection runs over, read from its remote address: {@code "quic-v1"},
   * {@code "tcp"}, or {@code "p2p-circuit"} for a relayed connection ({@code "unknown"} for anything
   * else). A hole punch's connection ({@link ConnectionPath#HOLE_PUNCHED}) says here whether the
   * TCP or the QUIC punch won.
   *
   * @return the transport's name
   */
  default String transport() {
    List<Component> c = remoteAddress().components();
    if (c.stream().anyMatch(x -> x.protocol() == Protocol.P2P_CIRCUIT)) {
      return "p2p-circuit";
    }
    if (c.stream().anyMatch(x -> x.protocol() == Protocol.QUIC_V1)) {
      return "quic-v1";
    }
    return c.stream().anyMatch(x -> x.protocol() == Protocol.TCP) ? "tcp" : "unknown";
  }

  /**
   * {@return the security protocol in use: {@code "/tls/1.0.0"}, {@code "/noise"}, or the
   * test-only {@code "/plaintext/2.0.0"}; {@code "quic-v1"} on a QUIC connection, whose TLS 1.3
   * is part of QUIC}
   */
  String securityProtocol();

  /**
   * {@return the stream multiplexer in use, {@code "/yamux/1.0.0"}; {@code "quic-v1"} on a QUIC
   * connection, whose streams are QUIC's own}
   */
  String muxer();

  /** {@return whether the muxer was agreed inside the security handshake (one round trip saved)} */
  boolean earlyMuxerNegotiated();

  /**
   * Opens a stream, offering {@code protocols} in order of preference; {@code handler} sets it up
   * before any data arrives. Fails with a {@link PeerException} of kind {@link PeerError#PROTOCOL}
   * when the remote supports none of them.
   *
   * @param protocols the protocol IDs, most preferred first
   * @param handler sets up each stream (its pipeline) once the protocol is agreed
   * @return a future that completes with the negotiated stream
   */
  CompletableFuture<Stream> newStream(List<String> protocols, StreamHandler handler);

  /**
   * Opens a stream for one protocol; see {@link #newStream(List, StreamHandler)}.
   *
   * @param protocol the protocol ID, for example {@code /echo/1.0.0}
   * @param handler sets up each stream (its pipeline) once the protocol is agreed
   * @return a future that completes with the negotiated stream
   */
  default CompletableFuture<Stream> newStream(String protocol, StreamHandler handler) {
    return newStream(List.of(protocol), handler);
  }

  /**
   * Registers a handler for streams the remote opens with {@code protocol} on this connection only,
   * taking precedence over the listener's or connector's handler. A null handler removes it.
   *
   * @param protocol the protocol ID, for example {@code /echo/1.0.0}
   * @param handler sets up each stream (its pipeline) once the protocol is agreed
   */
  void handle(String protocol, StreamHandler handler);

  /**
   * Measures one round trip with the ping protocol ({@code /ipfs/ping/1.0.0}).
   *
   * @return a future that completes with the round-trip time
   */
  CompletableFuture<Duration> ping();

  /**
   * Completes with the remote's identify answer; identify runs once per connection when it opens.
   * After the remote pushed an update (identify push), returns the updated record.
   *
   * @return a future that completes with the remote's identify answer
   */
  CompletableFuture<IdentifyInfo> identify();

  /** {@return whether the connection is open} */
  boolean isOpen();

  /**
   * Where the connection is in its life: {@link PeerState#CONNECTED} while usable, then
   * {@link PeerState#DISCONNECTING} (we are closing it) and {@link PeerState#DISCONNECTED}.
   *
   * @return the connection's state
   */
  PeerState state();

  /** {@return the connection's counters: bytes, RTT moving average, last activity, streams, messages} */
  PeerStats stats();

  /** {@return streams open on this connection, both directions (the same as {@code stats().openStreams()})} */
  int openStreams();

  // ------------------------------------------------------------------ messages

  /**
   * Sends one message over the message protocol ({@value MessageHandler#PROTOCOL}); messages from one
   * sender arrive in the order sent. The array must not be changed until the future completes.
   *
   * <p>Completes once the message is handed to the transport (not when the remote has read it).
   * Fails with a {@link LimitExceededException} when the message is longer than
   * {@link PeerConfig#maxMessageSize()}, with {@link PeerError#PROTOCOL} when the remote does not
   * speak the message protocol, and with {@link PeerError#IO} when the connection is closed.
   *
   * @param message the message
   * @return a future that completes once the message is handed to the transport
   */
  CompletableFuture<Void> send(byte[] message);

  /**
   * The next message the remote sent, when no {@link MessageHandler} takes them (neither one set
   * with {@link #onMessage} nor one on the listener, connector or pool). Fails with
   * {@link PeerError#IO} once the connection closes. Cancelling the future gives up the wait.
   *
   * @return a future that completes with the next message
   */
  CompletableFuture<byte[]> receive();

  /**
   * Sets the handler for messages from this peer, taking precedence over the listener's,
   * connector's or pool's; null returns to that one (or to {@link #receive()}).
   *
   * @param handler receives the messages
   */
  void onMessage(MessageHandler handler);

  /**
   * Closes the connection (yamux go-away, then the transport).
   *
   * @return a future that completes once the connection is closed
   */
  CompletableFuture<Void> close();

  /**
   * Completes when the connection has closed, for whatever reason.
   *
   * @return a future that completes once the connection is closed
   */
  CompletableFuture<Void> closeFuture();
}
