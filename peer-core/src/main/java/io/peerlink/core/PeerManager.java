package io.peerlink.core;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Manages the connections of one host: connects by peer ID or address, disconnects, lists and
 * looks up peers, and registers protocol handlers. {@link PeerPool} is the implementation, adding
 * connection reuse, eviction and load balancing.
 */
public interface PeerManager extends AutoCloseable {

  /** {@return our own peer ID} */
  PeerId localPeerId();

  /**
   * The connection to {@code peer}, reusing a live one or dialing the addresses known for it
   * ({@link #addAddresses}, and those the peer announced through identify). Fails with
   * {@link PeerError#CONNECT} when no address is known.
   *
   * @param peer the peer to reach
   * @return a future that completes with the connection
   */
  CompletableFuture<Peer> connect(PeerId peer);

  /**
   * The connection to {@code peer}, reusing a live one or dialing {@code addresses} (remembered).
   *
   * @param peer the peer to reach
   * @param addresses where to reach it
   * @return a future that completes with the connection
   */
  CompletableFuture<Peer> connect(PeerId peer, List<Multiaddr> addresses);

  /**
   * The connection to the peer named by {@code address}'s {@code /p2p/...}, reusing a live one.
   *
   * @param address a multiaddr ending in {@code /p2p/<peer id>}
   * @return a future that completes with the connection
   */
  CompletableFuture<Peer> connect(Multiaddr address);

  /**
   * Remembers addresses for {@code peer}, for {@link #connect(PeerId)}.
   *
   * @param peer the peer
   * @param addresses its addresses
   */
  void addAddresses(PeerId peer, Collection<Multiaddr> addresses);

  /**
   * The addresses known for {@code peer}.
   *
   * @param peer the peer
   * @return the known addresses, possibly none
   */
  List<Multiaddr> addresses(PeerId peer);

  /**
   * Closes the connection to {@code peer}, if any; completes when it has closed.
   *
   * @param peer the peer
   * @return a future that completes once the connection has closed
   */
  CompletableFuture<Void> disconnect(PeerId peer);

  /** {@return the live connections, one per peer} */
  List<Peer> peers();

  /**
   * The live connection to {@code peer}, if any.
   *
   * @param peer the peer
   * @return the live connection, if any
   */
  Optional<Peer> peer(PeerId peer);

  /**
   * Serves {@code protocol} with {@code handler} on every connection (null removes it).
   *
   * @param protocol the protocol ID, for example {@code /echo/1.0.0}
   * @param handler sets up each stream (its pipeline) once the protocol is agreed
   */
  void handle(String protocol, StreamHandler handler);

  /**
   * Receives messages from every peer without a handler of its own (null: use {@link Peer#receive()}).
   *
   * @param handler receives the messages
   */
  void onMessage(MessageHandler handler);

  /**
   * Closes every connection the manager holds.
   *
   * @return a future that completes once every connection has closed
   */
  CompletableFuture<Void> closeAsync();

  /** Same as {@code closeAsync().join()}. */
  @Override
  default void close() {
    closeAsync().join();
  }
}
