package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.internal.protocol.PingClient;
import io.peerlink.core.internal.protocol.ProtocolIds;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code Peer#ping()} for one connection: one outbound ping stream, opened on the first ping and
 * reused (the ping spec says a peer MUST NOT open more than one); every measured round trip also
 * feeds the connection's RTT average.
 *
 * <p>The listener closes a ping stream that stays idle (go and peerlink after 10 s, js after its
 * own timeout), so a stream the remote has finished is not reused, and a ping that fails on a
 * reused stream for any reason but a timeout (the remote's close crossed our ping, and it answered
 * with a reset) is tried once more on a fresh stream: a live peer must not look dead because its
 * idle stream went away.
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
    conn.channel().eventLoop().execute(() -> ping(result, true));
    return result;
  }

  private void ping(CompletableFuture<Duration> result, boolean mayRetry) {
    Channel channel = conn.channel();
    // Concurrent callers wait for the same stream and PingClient runs their pings in turn.
    boolean reused = client != null && client.isDone() && !client.isCompletedExceptionally() && reusable(stream);
    if (!reused && (client == null || client.isDone())) {
      if (stream instanceof DuplexChannel d && d.isInputShutdown()) {
        // Finished by the remote: close our side too, or the muxer keeps the stream, half-closed,
        // on both ends for as long as the connection lives (one per idle period).
        stream.close();
      }
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
    CompletableFuture<PingClient> current = client;
    current.whenComplete((c, err) -> {
      if (err != null) {
        result.completeExceptionally(PeerException.wrap(err, PeerError.IO));
        return;
      }
      c.ping().whenComplete((rtt, e) -> {
        if (e == null) {
          channel.eventLoop().execute(() -> conn.rttSample(rtt.toNanos()));
          result.complete(rtt);
        } else if (reused && mayRetry && !isTimeout(e) && conn.isOpen()) {
          channel.eventLoop().execute(() -> {
            if (client == current) {
              client = null; // that stream is done: the retry opens a fresh one
            }
            ping(result, false);
          });
        } else {
          result.completeExceptionally(PeerException.wrap(e, PeerError.IO));
        }
      });
    });
  }

  /** Whether the ping stream can carry another ping: open, and not finished by the remote. */
  private static boolean reusable(Channel s) {
    return s != null && s.isActive() && !(s instanceof DuplexChannel d && d.isInputShutdown());
  }

  private static boolean isTimeout(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t instanceof PeerTimeoutException;
  }
}
