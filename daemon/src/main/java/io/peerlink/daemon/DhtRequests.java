package io.peerlink.daemon;

import io.peerlink.daemon.internal.proto.ControlProtos.DHTRequest;
import java.util.concurrent.CompletableFuture;

/**
 * The one place DHT requests (FIND_PEER, FIND_PROVIDERS, GET_CLOSEST_PEERS, GET_PUBLIC_KEY,
 * GET_VALUE, SEARCH_VALUE, PUT_VALUE, PROVIDE) are answered. peerlink's Kademlia DHT is not wired
 * in yet, so every DHT request is refused with {@value #NOT_ENABLED}, the answer p2pd gives when it
 * runs without {@code -dht}. Plugging the DHT in means answering here; nothing else in the daemon
 * reads DHT requests.
 */
class DhtRequests {
  /** The error text of a DHT request while no DHT runs, as p2pd words it. */
  static final String NOT_ENABLED = "DHT not enabled";

  /**
   * Answers one DHT request.
   *
   * @param request the request
   * @param replies where the answer goes: one {@code Response}, or a streamed answer
   * @return completes once the answer is sent and the connection may read the next request
   */
  CompletableFuture<Void> handle(DHTRequest request, ControlReplies replies) {
    replies.send(ControlCodec.error(NOT_ENABLED));
    return CompletableFuture.completedFuture(null);
  }
}
