package io.peerlink.daemon;

import com.google.protobuf.ByteString;
import io.peerlink.core.Peer;
import io.peerlink.core.Stream;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.Host;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;
import io.peerlink.daemon.internal.proto.ControlProtos.StreamInfo;
import io.peerlink.daemon.internal.proto.ControlProtos.StreamOpenRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens the streams of STREAM_OPEN requests, on an open connection to the peer (a direct one
 * before a relayed one). As in p2pd, relayed (limited) connections may carry them: the daemon's
 * clients decide what runs over a relay, not the daemon.
 */
final class StreamOpener {
  private final Host host;
  private final PeerRequests peers;
  private final ControlLimits limits;

  /** A stream opened, and the OK response that announces it. */
  record Opened(Stream stream, Response response) {}

  StreamOpener(Host host, PeerRequests peers, ControlLimits limits) {
    this.host = host;
    this.peers = peers;
    this.limits = limits;
  }

  /**
   * Opens the stream; its bytes are held until it is spliced to the client's socket.
   *
   * @param request the request
   * @return completes with the stream and its response, or fails saying why
   */
  CompletableFuture<Opened> open(StreamOpenRequest request) {
    PeerId peer = PeerId.fromBytes(request.getPeer().toByteArray());
    List<String> protocols = request.getProtoList();
    if (protocols.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("no protocol to open"));
    }
    List<Peer> conns = peers.connections(peer);
    if (conns.isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("no connection to " + peer + ": CONNECT first"));
    }
    protocols.forEach(host::allowOnLimitedConnections);
    Peer conn = conns.get(0);
    Duration timeout = limits.timeout(request.getTimeout());
    return conn.newStream(protocols, s -> HeldBytes.install(s.channel()))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(s -> new Opened(s, Response.newBuilder()
            .setType(Response.Type.OK)
            .setStreamInfo(StreamInfo.newBuilder()
                .setPeer(ByteString.copyFrom(peer.bytes()))
                .setAddr(ByteString.copyFrom(conn.remoteAddress().withoutPeerId().bytes()))
                .setProto(s.protocol()))
            .build()));
  }
}
