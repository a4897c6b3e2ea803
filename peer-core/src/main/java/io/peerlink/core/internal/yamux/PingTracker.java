package io.peerlink.core.internal.yamux;

import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerTimeoutException;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The pings this side has sent and not yet seen answered, and the last measured round-trip time.
 * Only an ACK matching an outstanding ping completes anything; other ACKs are ignored. Used on the
 * session's event loop only.
 */
final class PingTracker {

  /** Most pings in flight at once; a bound on memory, far above what keep-alive needs. */
  static final int MAX_OUTSTANDING = 64;

  private final LongObjectMap<Pending> outstanding = new LongObjectHashMap<>();
  private final long timeoutNanos;
  private long nextOpaque = 1;
  private long rttNanos;

  PingTracker(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  /**
   * Registers a new ping and returns its opaque value, or -1 (with the promise failed) if too many
   * are outstanding. The promise completes with the RTT in nanoseconds or fails with a timeout.
   */
  long start(EventExecutor executor, Promise<Long> promise) {
    if (outstanding.size() >= MAX_OUTSTANDING) {
      promise.tryFailure(new LimitExceededException("more than " + MAX_OUTSTANDING + " yamux pings in flight"));
      return -1;
    }
    long opaque = nextOpaque;
    nextOpaque = (nextOpaque + 1) & YamuxFrame.MAX_U32;
    Pending pending = new Pending(System.nanoTime(), promise);
    outstanding.put(opaque, pending);
    pending.timeout = executor.schedule(() -> {
      if (outstanding.remove(opaque) != null) {
        promise.tryFailure(new PeerTimeoutException(
            "yamux ping unanswered after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
      }
    }, timeoutNanos, TimeUnit.NANOSECONDS);
    return opaque;
  }

  /** A ping ACK arrived. */
  void onAck(long opaque) {
    Pending pending = outstanding.remove(opaque);
    if (pending == null) {
      return; // not ours (or timed out): go ignores it too
    }
    long rtt = Math.max(1, System.nanoTime() - pending.startNanos);
    rttNanos = rtt;
    pending.timeout.cancel(false);
    pending.promise.trySuccess(rtt);
  }

  /** The last measured round trip in nanoseconds, or 0 if none yet. */
  long rttNanos() {
    return rttNanos;
  }

  /** Fails every outstanding ping. */
  void failAll(Throwable cause) {
    ArrayList<Pending> all = new ArrayList<>(outstanding.values());
    outstanding.clear();
    for (Pending p : all) {
      p.timeout.cancel(false);
      p.promise.tryFailure(cause);
    }
  }

  static void onFailure(Future<Long> future, Consumer<Throwable> action) {
    future.addListener(f -> {
      if (!f.isSuccess()) {
        action.accept(f.cause());
      }
    });
  }

  private static final class Pending {
    final long startNanos;
    final Promise<Long> promise;
    Future<?> timeout;

    Pending(long startNanos, Promise<Long> promise) {
      this.startNanos = startNanos;
      this.promise = promise;
    }
  }
}
