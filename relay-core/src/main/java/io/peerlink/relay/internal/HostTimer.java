package io.peerlink.relay.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.spi.Host;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Timers for relay-core's background work (AutoRelay's periodic check, boot delay and blacklist
 * expiry; the relay service's reconnects; the relay client's reservation refreshes; AutoNAT's
 * checks), run on one of the host's event loops, picked once.
 * Relay work needs no thread of its own: the host's loops already run its connections and stop
 * with it, and tasks given to one loop run in the order they were given.
 */
public final class HostTimer {
  private final EventExecutor loop;

  private HostTimer(EventExecutor loop) {
    this.loop = loop;
  }

  /**
   * A timer on one of {@code host}'s event loops.
   *
   * @param host the host whose event loops run the tasks
   * @return the timer
   */
  public static HostTimer of(Host host) {
    return on(host.eventLoops().next());
  }

  /**
   * A timer on {@code loop}; tests give a loop whose time they control (an {@code EmbeddedChannel}'s).
   *
   * @param loop the event loop that runs the tasks
   * @return the timer
   */
  public static HostTimer on(EventExecutor loop) {
    return new HostTimer(Objects.requireNonNull(loop, "loop"));
  }

  /** {@return the event loop the tasks run on; also where callbacks are moved to with {@code whenCompleteAsync}} */
  public EventExecutor executor() {
    return loop;
  }

  /**
   * Runs {@code task} once, after {@code delay}.
   *
   * @param delay how long to wait
   * @param task what to run
   * @return the scheduled task, to cancel
   */
  public ScheduledFuture<?> after(Duration delay, Runnable task) {
    return loop.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Runs {@code task} every {@code period}, the first time one period from now.
   *
   * @param period the time between two runs
   * @param task what to run
   * @return the scheduled task, to cancel
   */
  public ScheduledFuture<?> every(Duration period, Runnable task) {
    long nanos = period.toNanos();
    return loop.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Cancels {@code timer} without interrupting a run under way; does nothing for null.
   *
   * @param timer a task from this class, or null
   */
  public static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
