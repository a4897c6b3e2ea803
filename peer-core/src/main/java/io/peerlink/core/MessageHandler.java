package io.peerlink.core;

/**
 * Receives the messages peers send with {@link Peer#send(byte[])}, over the message protocol
 * {@value #PROTOCOL}: one stream per direction per connection, each message a uvarint length
 * followed by that many bytes, at most {@link PeerConfig#maxMessageSize()}.
 *
 * <p>Called on the connection's event loop, in the order the peer sent the messages; it must not
 * block (hand slow work to an executor). A handler that throws is logged and the next message still
 * arrives. Without any handler, messages wait in a queue for {@link Peer#receive()}; while the
 * queue is full the peer is slowed down by flow control rather than messages being dropped.
 */
@FunctionalInterface
public interface MessageHandler {

  /** The protocol ID of the message stream. */
  String PROTOCOL = "/peerlink/msg/1.0.0";

  /**
   * One message from {@code peer}.
   *
   * @param peer the peer that sent it
   * @param message the message's bytes; the array is the handler's to keep
   * @throws Exception to close the connection to that peer
   */
  void onMessage(Peer peer, byte[] message) throws Exception;
}
