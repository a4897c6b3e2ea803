package io.peerlink.core.internal.yamux;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.PeerTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The yamux keep-alive: a ping at once (it also measures the RTT that window auto-tuning uses, as
 * go does) and then every {@link YamuxConfig#keepAliveInterval()}, one at a time. The session is
 * declared dead only when a ping times out and no frame at all arrived since it was sent. Event
 * loop only.
 */
final class KeepAlive {
  private final EventExecutor executor;
  private final long intervalNanos;
  private final Consumer<Promise<Long>> ping;
  private final LongSupplier lastFrameReadNanos;
  private final Consumer<PeerTimeoutException> dead;
  private ScheduledFuture<?> timer;
  private boolean outstanding;
  private boolean stopped;

  /**
   * @param ping sends one ping and completes the promise with its RTT, or fails it
   * @param lastFrameReadNanos when the session last read a frame
   * @param dead called once the session is found dead
   */
  KeepAlive(EventExecutor executor, long intervalNanos, Consumer<Promise<Long>> ping,
      LongSupplier lastFrameReadNanos, Consumer<PeerTimeoutException> dead) {
    this.executor = executor;
    this.intervalNanos = intervalNanos;
    this.ping = ping;
    this.lastFrameReadNanos = lastFrameReadNanos;
    this.dead = dead;
  }

  void start() {
    tick();
    timer = executor.scheduleAtFixedRate(this::tick, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
  }

  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private void tick() {
    if (stopped || outstanding) {
      return;
    }
    outstanding = true;
    long sentAt = System.nanoTime();
    Promise<Long> promise = executor.newPromise();
    promise.addListener(f -> {
      outstanding = false;
      // A peer that keeps sending frames is alive even when its pong is queued behind megabytes
      // of data; only silence since the ping means the connection is dead.
      boolean heardSince = lastFrameReadNanos.getAsLong() - sentAt > 0;
      if (!f.isSuccess() && f.cause() instanceof PeerTimeoutException timeout && !heardSince) {
        dead.accept(new PeerTimeoutException("yamux keep-alive " + timeout.getMessage(), timeout));
      }
    });
    ping.accept(promise);
  }
}
