package io.peerlink.core.internal.host;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.internal.connmgr.ConnectionManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that carried no stream activity for {@code PeerConfig.idleTimeout}, unless
 * the connection manager says it must stay: one timer that, when it fires early because something
 * happened meanwhile, re-arms for the rest. Event loop only.
 */
final class IdleTimeout {
  private static final Logger log = LoggerFactory.getLogger(IdleTimeout.class);

  private final EventLoop eventLoop;
  private final Duration timeout;
  private final ConnectionStats stats;
  private final PeerConnection conn;
  private final ConnectionManager manager;
  private ScheduledFuture<?> check;

  IdleTimeout(EventLoop eventLoop, Duration timeout, ConnectionStats stats, PeerConnection conn,
      ConnectionManager manager) {
    this.manager = manager;
    this.eventLoop = eventLoop;
    this.timeout = timeout;
    this.stats = stats;
    this.conn = conn;
  }

  /** Starts the timer; a zero timeout means never close for idleness. */
  void start() {
    long idle = timeout.toNanos();
    if (idle > 0) {
      schedule(idle);
    }
  }

  private void schedule(long delayNanos) {
    check = eventLoop.schedule(() -> {
      long idle = timeout.toNanos();
      long quiet = System.nanoTime() - stats.lastActivityNanos();
      if (quiet >= idle && !manager.mayClose(conn)) {
        // Protected (a reservation, a circuit) or the last path of a peer with work in flight:
        // look again a whole timeout later.
        schedule(idle);
      } else if (quiet >= idle) {
        log.debug("closing {}: no stream activity for {} ms", conn, quiet / 1_000_000);
        conn.close();
      } else {
        schedule(idle - quiet);
      }
    }, delayNanos, TimeUnit.NANOSECONDS);
  }

  /** The connection closed. */
  void stop() {
    if (check != null) {
      check.cancel(false);
    }
  }
}
