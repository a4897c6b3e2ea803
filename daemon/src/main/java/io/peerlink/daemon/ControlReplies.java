package io.peerlink.daemon;

import com.google.protobuf.MessageLite;

/**
 * Where a request's answers go, for requests that answer with more than one message: a DHT query
 * replies {@code Response{OK, dht{BEGIN}}}, then bare {@code DHTResponse{VALUE}} messages, then a
 * bare {@code DHTResponse{END}}. Each message is length-prefixed and flushed as it is sent.
 */
interface ControlReplies {
  /**
   * Sends one message to the client.
   *
   * @param message a {@code Response}, or a bare {@code DHTResponse} inside a streamed answer
   */
  void send(MessageLite message);
}
