package io.peerlink.core.internal.host;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Liveness probes for one peer's handle, while it has a connection to fall back to: every
 * {@code PeerConfig.livenessProbeInterval}, one yamux ping on the selected connection and on each
 * connection that is unresponsive (to see it come back). A probe not answered within
 * {@code max(livenessProbeTimeout, RTT_MULTIPLIER x RTT)}, with no data read on the connection
 * meanwhile, marks the connection unresponsive and new streams leave it for the best
 * responsive one; {@code pathRecoverySuccesses} answered probes in a row bring it back. A
 * silently dropped path is so left in about interval + timeout, where keep-alive needs its
 * interval plus its timeout (30 s + 10 s by default) and closes the connection besides. One probe
 * per connection is in flight at a time.
 */
final class LivenessProbe {
  /**
   * How many round-trip times a probe waits when that is longer than the configured least wait:
   * a path whose RTT is 400 ms is not dead at 1 s. TCP's retransmission timeout starts from a
   * similar multiple of its RTT estimate.
   */
  static final int RTT_MULTIPLIER = 4;

  /**
   * Bytes read on the connection while a probe waits that prove the path carries data anyway (the
   * answer may be queued behind them): more than the remote's own pings and probes amount to, so
   * a path that carries only the remote's probes to us, while ours are lost, is still found silent.
   */
  static final long ALIVE_READ_BYTES = 1024;

  private final PeerHandleImpl handle;
  private final long minTimeoutNanos;
  private final EventExecutor timer;
  private final MultiPathTicker ticker;
  private final Set<PathMeter> inFlight = Collections.newSetFromMap(new IdentityHashMap<>()); // guarded by this

  LivenessProbe(PeerHandleImpl handle, Duration interval, Duration minTimeout, EventExecutor timer) {
    this.handle = handle;
    this.minTimeoutNanos = minTimeout.toNanos();
    this.timer = timer;
    this.ticker = new MultiPathTicker(interval, timer, this::tick);
  }

  /** The handle now has {@code connections} connections: probe while there is one to fall back to. */
  void connections(int connections) {
    ticker.connections(connections);
  }

  void stop() {
    ticker.stop();
  }

  private void tick() {
    for (PathMeter m : handle.probeTargets()) {
      if (!ticker.isRunning()) {
        return;
      }
      synchronized (this) {
        if (!inFlight.add(m)) {
          continue;
        }
      }
      probe(m);
    }
  }

  private void probe(PathMeter m) {
    PeerConnection c = m.connection();
    long readBefore = c.stats().bytesRead();
    long timeout = Math.max(minTimeoutNanos, RTT_MULTIPLIER * c.rttNanos());
    AtomicBoolean settled = new AtomicBoolean();
    ScheduledFuture<?> deadline = timer.schedule(() -> {
      if (settled.compareAndSet(false, true)) {
        // Bytes read meanwhile prove the path carries data: the answer may be queued behind them.
        settle(m, c.stats().bytesRead() - readBefore > ALIVE_READ_BYTES);
      }
    }, timeout, TimeUnit.NANOSECONDS);
    c.muxerPing().whenComplete((rtt, error) -> {
      if (settled.compareAndSet(false, true)) {
        deadline.cancel(false);
        // A ping that fails before its deadline (the connection closing) says nothing more than
        // the close itself, which the handle hears of anyway.
        if (error == null) {
          settle(m, true);
        } else {
          settle(m, !c.isOpen() || c.stats().bytesRead() - readBefore > ALIVE_READ_BYTES);
        }
      }
    });
  }

  private void settle(PathMeter m, boolean answered) {
    synchronized (this) {
      inFlight.remove(m);
    }
    handle.probed(m, answered);
  }
}
