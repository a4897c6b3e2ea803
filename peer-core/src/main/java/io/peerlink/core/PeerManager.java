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

  /** Our own peer ID. */
  PeerId localPeerId();

  /**
   * The connection to {@code peer}, reusing a live one or dialing the addresses known for it
   * ({@link #addAddresses}, and those the peer announced through identify). Fails with
   * {@link PeerError#CONNECT} when no address is known.
   */
  CompletableFuture<Peer> connect(PeerId peer);

  /** The connection to {@code peer}, reusing a live one or dialing {@code addresses} (remembered). */
  CompletableFuture<Peer> connect(PeerId peer, List<Multiaddr> addresses);

  /** The connection to the peer named by {@code address}'s {@code /p2p/...}, reusing a live one. */
  CompletableFuture<Peer> connect(Multiaddr address);

  /** Remembers addresses for {@code peer}, for {@link #connect(PeerId)}. */
  void addAddresses(PeerId peer, Collection<Multiaddr> addresses);

  /** The addresses known for {@code peer}. */
  List<Multiaddr> addresses(PeerId peer);

  /** Closes the connection to {@code peer}, if any; completes when it has closed. */
  CompletableFuture<Void> disconnect(PeerId peer);

  /** The live connections, one per peer. */
  List<Peer> peers();

  /** The live connection to {@code peer}, if any. */
  Optional<Peer> peer(PeerId peer);

  /** Serves {@code protocol} with {@code handler} on every connection (null removes it). */
  void handle(String protocol, StreamHandler handler);

  /** Receives messages from every peer without a handler of its own (null: use {@link Peer#receive()}). */
  void onMessage(MessageHandler handler);

  /** Closes every connection the manager holds. */
  CompletableFuture<Void> closeAsync();

  /** Same as {@code closeAsync().join()}. */
  @Override
  default void close() {
    closeAsync().join();
  }
}
