package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a host's connections within a bound whatever state they and their event loops are in:
 * gracefully first (go away, then close on each connection's loop), then, after the graceful bound,
 * forcibly (the socket closed under the handlers), and finally stops the host's own event loops,
 * waiting for them at most the forced bound. A loop that is stuck (a handler blocking it, a flood
 * it cannot keep up with, a thread lost to an error) cannot make close hang: close stops waiting
 * and says so in a log line.
 */
final class BoundedClose {
  private static final Logger log = LoggerFactory.getLogger(BoundedClose.class);

  private BoundedClose() {}

  /**
   * Starts the close; the future completes within {@code grace + forced} (plus scheduling delay).
   *
   * @param connections the connections to close
   * @param ownGroup the event loops to stop afterwards, or null when they belong to someone else
   * @param grace how long the graceful close may take
   * @param forced how long to wait for forced closes and for the loops to stop
   */
  static CompletableFuture<Void> close(List<PeerConnection> connections, EventLoopGroup ownGroup,
      Duration grace, Duration forced) {
    CompletableFuture<?>[] closing = connections.stream()
        .map(c -> c.close().handle((v, e) -> null))
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(closing)
        .handle((v, e) -> true)
        .completeOnTimeout(false, grace.toNanos(), TimeUnit.NANOSECONDS)
        .thenCompose(clean -> {
          if (!clean) {
            forceClose(connections, grace);
          }
          if (ownGroup == null) {
            return CompletableFuture.<Void>completedFuture(null);
          }
          CompletableFuture<Void> stopped = new CompletableFuture<>();
          ownGroup.shutdownGracefully(0, forced.toMillis(), TimeUnit.MILLISECONDS)
              .addListener(f -> stopped.complete(null));
          return stopped.completeOnTimeout(null, forced.toNanos(), TimeUnit.NANOSECONDS)
              .whenComplete((v, e) -> {
                if (!ownGroup.isTerminated()) {
                  log.warn("peerlink event loops did not stop within {} ms of the forced close;"
                      + " a handler may be blocking one. Closing anyway", forced.toMillis());
                }
              });
        });
  }

  private static void forceClose(List<PeerConnection> connections, Duration grace) {
    List<Channel> open = connections.stream().map(PeerConnection::channel).filter(Channel::isOpen).toList();
    log.warn("{} connection(s) did not close within PeerConfig.closeTimeout ({} ms); closing them forcibly",
        open.size(), grace.toMillis());
    for (Channel ch : open) {
      try {
        ch.eventLoop().execute(() -> ch.unsafe().close(ch.voidPromise()));
      } catch (RejectedExecutionException loopGone) {
        // The loop already stopped: its channels closed with it.
      }
    }
  }
}
