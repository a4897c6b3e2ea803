package io.peerlink.core.internal.host;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a handle's periodic work (quality pings, liveness probes) at a fixed rate, but only while
 * the handle has more than one connection: with one there is no other path to choose or fall back
 * to. A zero interval turns the work off.
 */
final class MultiPathTicker {
  private final Duration interval;
  private final EventExecutor timer;
  private final Runnable tick;
  private ScheduledFuture<?> task; // guarded by this

  MultiPathTicker(Duration interval, EventExecutor timer, Runnable tick) {
    this.interval = interval;
    this.timer = timer;
    this.tick = tick;
  }

  /** The handle now has {@code connections} connections: start or stop ticking. */
  synchronized void connections(int connections) {
    if (interval.isZero()) {
      return;
    }
    if (connections > 1 && task == null) {
      long nanos = interval.toNanos();
      task = timer.scheduleAtFixedRate(tick, nanos, nanos, TimeUnit.NANOSECONDS);
    } else if (connections <= 1 && task != null) {
      stop();
    }
  }

  synchronized void stop() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  /** Whether it ticks now: work started by a tick checks this before each step. */
  synchronized boolean isRunning() {
    return task != null;
  }
}
