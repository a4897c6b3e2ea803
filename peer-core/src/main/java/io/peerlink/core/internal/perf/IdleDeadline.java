package io.peerlink.core.internal.perf;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Fires once when nothing happened on a stream for a given time. Activity only records a
 * timestamp (no timer is rescheduled per read or write); the one scheduled check re-arms itself
 * for the time that is left. All calls on the channel's event loop.
 */
final class IdleDeadline {
  private final ChannelHandlerContext ctx;
  private final long timeoutNanos;
  private final Runnable onIdle;
  private long lastActivity;
  private ScheduledFuture<?> check;
  private boolean stopped;

  private IdleDeadline(ChannelHandlerContext ctx, Duration timeout, Runnable onIdle) {
    this.ctx = ctx;
    this.timeoutNanos = timeout.toNanos();
    this.onIdle = onIdle;
  }

  /** Starts watching; a zero timeout never fires. */
  static IdleDeadline start(ChannelHandlerContext ctx, Duration timeout, Runnable onIdle) {
    IdleDeadline d = new IdleDeadline(ctx, timeout, onIdle);
    d.lastActivity = System.nanoTime();
    if (d.timeoutNanos > 0) {
      d.arm(d.timeoutNanos);
    } else {
      d.stopped = true;
    }
    return d;
  }

  /** Records activity now. */
  void touch() {
    lastActivity = System.nanoTime();
  }

  /** Stops watching; idempotent. */
  void stop() {
    stopped = true;
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private void arm(long delayNanos) {
    check = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    if (stopped) {
      return;
    }
    long idle = System.nanoTime() - lastActivity;
    if (idle >= timeoutNanos) {
      stopped = true;
      onIdle.run();
    } else {
      arm(timeoutNanos - idle);
    }
  }
}
