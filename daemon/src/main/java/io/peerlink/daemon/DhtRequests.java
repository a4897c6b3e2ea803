package io.peerlink.daemon;

import com.google.protobuf.ByteString;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.daemon.internal.proto.ControlProtos.DHTRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.DHTResponse;
import io.peerlink.daemon.internal.proto.ControlProtos.PeerInfo;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;
import io.peerlink.relay.Dht;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one place DHT requests (FIND_PEER, FIND_PROVIDERS, GET_CLOSEST_PEERS, GET_PUBLIC_KEY,
 * GET_VALUE, SEARCH_VALUE, PUT_VALUE, PROVIDE) are answered, through the node's Kademlia DHT.
 * Without one (no {@code -dht*} flag) every DHT request is refused with {@value #NOT_ENABLED}, as
 * p2pd does.
 *
 * <p>Single answers are one {@code Response}. FIND_PROVIDERS, GET_CLOSEST_PEERS and SEARCH_VALUE
 * are streamed: {@code Response{OK, dht{BEGIN}}}, bare {@code DHTResponse{VALUE}} messages, a bare
 * {@code DHTResponse{END}}. peerlink's lookups hand back their whole result at once, so the stream
 * begins only when the lookup is over; a lookup that fails answers ERROR instead of a stream.
 */
class DhtRequests {
  /** The error text of a DHT request while no DHT runs, as p2pd words it. */
  static final String NOT_ENABLED = "DHT not enabled";

  /** How many providers FIND_PROVIDERS returns when the request gives no count, as go and js do. */
  static final int DEFAULT_PROVIDER_COUNT = 20;

  private final Dht dht; // null: the DHT is off
  private final ControlLimits limits;

  /**
   * Answers through {@code dht}.
   *
   * @param dht the node's DHT, or null when it runs without one
   * @param limits the request timeouts
   */
  DhtRequests(Dht dht, ControlLimits limits) {
    this.dht = dht;
    this.limits = limits;
  }

  /**
   * Answers one DHT request.
   *
   * @param request the request
   * @param replies where the answer goes: one {@code Response}, or a streamed answer
   * @return completes once the answer is sent and the connection may read the next request; fails
   *     (and the connection answers ERROR) when the lookup fails before anything was sent
   */
  CompletableFuture<Void> handle(DHTRequest request, ControlReplies replies) {
    if (dht == null) {
      replies.send(ControlCodec.error(NOT_ENABLED));
      return CompletableFuture.completedFuture(null);
    }
    Duration timeout = limits.timeout(request.getTimeout());
    Lookups in = new Lookups(timeout);
    return switch (request.getType()) {
      case FIND_PEER -> in.bound(findPeer(peer(request))).thenAccept(info -> replies.send(single(
          DHTResponse.newBuilder().setType(DHTResponse.Type.VALUE).setPeer(info))));
      case GET_PUBLIC_KEY -> in.bound(publicKey(peer(request))).thenAccept(key -> replies.send(value(key)));
      case GET_VALUE -> in.bound(dht.getValue(request.getKey().toByteArray())).thenAccept(v -> replies.send(
          value(v.orElseThrow(() -> new IllegalStateException("no value found")))));
      case PUT_VALUE -> in.bound(dht.putValue(request.getKey().toByteArray(), request.getValue().toByteArray()))
          .thenAccept(n -> replies.send(ControlCodec.ok()));
      case PROVIDE -> in.bound(dht.provide(CidKeys.multihash(request.getCid().toByteArray())))
          .thenAccept(n -> replies.send(ControlCodec.ok()));
      case FIND_PROVIDERS -> in.bound(dht.findProviders(CidKeys.multihash(request.getCid().toByteArray()),
              request.getCount() > 0 ? request.getCount() : DEFAULT_PROVIDER_COUNT))
          .thenAccept(found -> stream(replies, found.stream()
              .map(p -> DHTResponse.newBuilder().setType(DHTResponse.Type.VALUE).setPeer(info(p))).toList()));
      case GET_CLOSEST_PEERS -> in.bound(dht.getClosestPeers(request.getKey().toByteArray()))
          .thenAccept(found -> stream(replies, found.stream()
              .map(p -> DHTResponse.newBuilder().setType(DHTResponse.Type.VALUE)
                  .setValue(ByteString.copyFrom(p.id().bytes()))).toList()));
      case SEARCH_VALUE -> in.bound(dht.getValue(request.getKey().toByteArray()))
          .thenAccept(v -> stream(replies, v.stream()
              .map(bytes -> DHTResponse.newBuilder().setType(DHTResponse.Type.VALUE)
                  .setValue(ByteString.copyFrom(bytes))).toList()));
      case FIND_PEERS_CONNECTED_TO_PEER -> {
        replies.send(ControlCodec.error("not supported"));
        yield CompletableFuture.completedFuture(null);
      }
    };
  }

  /**
   * Bounds each lookup by the request's timeout before anything is sent, so a late result can
   * never write into the answer of the next request.
   */
  private record Lookups(Duration timeout) {
    <T> CompletableFuture<T> bound(CompletableFuture<T> lookup) {
      return lookup.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static PeerId peer(DHTRequest request) {
    return PeerId.fromBytes(request.getPeer().toByteArray());
  }

  private CompletableFuture<PeerInfo> findPeer(PeerId peer) {
    return dht.findPeer(peer).thenApply(addrs -> {
      if (addrs.isEmpty()) {
        throw new IllegalStateException("peer " + peer + " not found");
      }
      return info(new Dht.PeerInfo(peer, addrs));
    });
  }

  private CompletableFuture<byte[]> publicKey(PeerId peer) {
    // Ed25519 and secp256k1 IDs hold their key; only RSA and ECDSA keys need the /pk/ record.
    Optional<PublicKey> inline = peer.publicKey();
    if (inline.isPresent()) {
      return CompletableFuture.completedFuture(inline.get().marshal());
    }
    return dht.getValue(Dht.publicKeyKey(peer)).thenApply(v ->
        v.orElseThrow(() -> new IllegalStateException("no public key found for " + peer)));
  }

  private static PeerInfo info(Dht.PeerInfo peer) {
    PeerInfo.Builder b = PeerInfo.newBuilder().setId(ByteString.copyFrom(peer.id().bytes()));
    for (Multiaddr a : peer.addrs()) {
      b.addAddrs(ByteString.copyFrom(a.withoutPeerId().bytes()));
    }
    return b.build();
  }

  private static Response value(byte[] bytes) {
    return single(DHTResponse.newBuilder().setType(DHTResponse.Type.VALUE).setValue(ByteString.copyFrom(bytes)));
  }

  private static Response single(DHTResponse.Builder dht) {
    return Response.newBuilder().setType(Response.Type.OK).setDht(dht).build();
  }

  private static void stream(ControlReplies replies, List<DHTResponse.Builder> values) {
    replies.send(single(DHTResponse.newBuilder().setType(DHTResponse.Type.BEGIN)));
    values.forEach(v -> replies.send(v.build()));
    replies.send(DHTResponse.newBuilder().setType(DHTResponse.Type.END).build());
  }
}
