package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.internal.protocol.PingClient;
import io.peerlink.core.internal.protocol.ProtocolIds;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code Peer#ping()} for one connection: one outbound ping stream, opened on the first ping and
 * reused (the ping spec says a peer MUST NOT open more than one); every measured round trip also
 * feeds the connection's RTT average.
 */
final class ConnectionPing {
  private final PeerConnection conn;
  private final Duration negotiationTimeout;
  private final ConnectionStats stats;
  private CompletableFuture<PingClient> client; // event loop only
  private Channel stream; // event loop only

  ConnectionPing(PeerConnection conn, Duration negotiationTimeout, ConnectionStats stats) {
    this.conn = conn;
    this.negotiationTimeout = negotiationTimeout;
    this.stats = stats;
  }

  /** One round trip on the ping stream. */
  CompletableFuture<Duration> ping() {
    CompletableFuture<Duration> result = new CompletableFuture<>();
    Channel channel = conn.channel();
    channel.eventLoop().execute(() -> {
      // Concurrent callers wait for the same stream and PingClient runs their pings in turn.
      if (client == null || (client.isDone() && (client.isCompletedExceptionally() || !stream.isActive()))) {
        CompletableFuture<PingClient> opening = new CompletableFuture<>();
        client = opening;
        conn.newStream(ProtocolIds.PING, s -> {
          PingClient c = new PingClient(negotiationTimeout);
          stream = s.channel();
          s.channel().pipeline().addLast(c);
          opening.complete(c);
        }).whenComplete((s, err) -> {
          if (err != null) {
            opening.completeExceptionally(err);
          }
        });
      }
      client.whenComplete((c, err) -> {
        if (err != null) {
          result.completeExceptionally(PeerException.wrap(err, PeerError.IO));
        } else {
          c.ping().whenComplete((rtt, e) -> {
            if (e != null) {
              result.completeExceptionally(PeerException.wrap(e, PeerError.IO));
            } else {
              channel.eventLoop().execute(() -> conn.rttSample(rtt.toNanos()));
              result.complete(rtt);
            }
          });
        }
      });
    });
    return result;
  }
}
