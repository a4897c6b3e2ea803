package io.peerlink.core.internal.host;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.PathQuality;
import io.peerlink.core.PeerStats;
import io.peerlink.core.event.PathHealth;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * What a {@link PeerHandleImpl} measures about one of its connections: the RTT (the connection's
 * own moving average), throughput since the last quality ping and its recent peak, the failures
 * of the last {@link PathQuality#FAILURE_WINDOW}, and its health: demoted after
 * {@code failureThreshold} failed stream opens or pings in a row, healthy again after
 * {@code recoverySuccesses} successes in a row; unresponsive after one unanswered liveness probe,
 * responsive again after {@code recoverySuccesses} answered ones in a row. Thread-safe: every
 * method is synchronized, and none does I/O.
 */
final class PathMeter implements PathSelector.Candidate {
  /** Failures remembered at most; more in one window count as this many. */
  private static final int MAX_FAILURES = 64;
  /** Interval rates remembered at most, whatever the quality-ping interval. */
  private static final int MAX_RATES = 64;

  private final PeerConnection connection;
  private final int rank;
  private final ArrayDeque<Long> failureNanos = new ArrayDeque<>();
  private final int failureThreshold;
  private final int recoverySuccesses;
  private int failuresInARow;
  private int successesInARow;
  private boolean demoted;
  private boolean unresponsive;
  private int answeredInARow;
  /** Per quality-ping interval: when it ended and its rate, newest last (counters only, no payload). */
  private final ArrayDeque<long[]> rates = new ArrayDeque<>();
  private long baselineNanos = System.nanoTime();
  private long baselineRead;
  private long baselineWritten;

  PathMeter(PeerConnection connection, int failureThreshold, int recoverySuccesses) {
    this.connection = connection;
    this.failureThreshold = failureThreshold;
    this.recoverySuccesses = recoverySuccesses;
    this.rank = PathSelector.rank(connection.limit().isPresent(), connection.path() == ConnectionPath.RELAYED);
    PeerStats s = connection.stats();
    this.baselineRead = s.bytesRead();
    this.baselineWritten = s.bytesWritten();
  }

  PeerConnection connection() {
    return connection;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public long rttNanos() {
    return connection.rttNanos();
  }

  @Override
  public synchronized boolean demoted() {
    return demoted;
  }

  @Override
  public synchronized boolean unresponsive() {
    return unresponsive;
  }

  @Override
  public synchronized long recentThroughput() {
    expire(System.nanoTime());
    long peak = 0;
    for (long[] r : rates) {
      peak = Math.max(peak, r[1]);
    }
    return peak;
  }

  /** How the connection's health stands, for events and metrics. */
  synchronized PathHealth health() {
    return unresponsive ? PathHealth.UNRESPONSIVE : demoted ? PathHealth.FAILING : PathHealth.HEALTHY;
  }

  /** A liveness probe went unanswered in time; true if that made the connection unresponsive. */
  synchronized boolean probeUnanswered() {
    answeredInARow = 0;
    if (unresponsive) {
      return false;
    }
    unresponsive = true;
    return true;
  }

  /** A liveness probe was answered in time; true if that made the connection responsive again. */
  synchronized boolean probeAnswered() {
    if (!unresponsive) {
      return false;
    }
    answeredInARow++;
    if (answeredInARow >= recoverySuccesses) {
      unresponsive = false;
      answeredInARow = 0;
      return true;
    }
    return false;
  }

  /** A stream or ping failed on this connection; true if that demoted it. */
  synchronized boolean failure() {
    long now = System.nanoTime();
    expire(now);
    if (failureNanos.size() == MAX_FAILURES) {
      failureNanos.poll();
    }
    failureNanos.add(now);
    successesInARow = 0;
    failuresInARow = Math.min(failuresInARow + 1, failureThreshold);
    if (!demoted && failuresInARow >= failureThreshold) {
      demoted = true;
      return true;
    }
    return false;
  }

  /** A stream opened or a ping came back on this connection; true if that ended its demotion. */
  synchronized boolean success() {
    failuresInARow = 0;
    if (!demoted) {
      return false;
    }
    successesInARow++;
    if (successesInARow >= recoverySuccesses) {
      demoted = false;
      successesInARow = 0;
      return true;
    }
    return false;
  }

  /**
   * A quality ping goes out: the interval since the last one ends, its rate joins the recent
   * ones, and throughput is measured from here on.
   *
   * @return what the connection measured over the interval that ended
   */
  synchronized PathQuality endInterval(boolean selected) {
    PeerStats s = connection.stats();
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - baselineNanos) / 1e9);
    long read = (long) ((s.bytesRead() - baselineRead) / seconds);
    long written = (long) ((s.bytesWritten() - baselineWritten) / seconds);
    expire(now);
    if (rates.size() == MAX_RATES) {
      rates.poll();
    }
    rates.add(new long[] {now, read + written});
    baselineNanos = now;
    baselineRead = s.bytesRead();
    baselineWritten = s.bytesWritten();
    long rtt = rttNanos();
    return new PathQuality(connection, selected,
        rtt == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(rtt)),
        read, written, failureNanos.size(), demoted, unresponsive, recentThroughput());
  }

  synchronized PathQuality quality(boolean selected) {
    long now = System.nanoTime();
    expire(now);
    PeerStats s = connection.stats();
    double seconds = Math.max(1e-3, (now - baselineNanos) / 1e9);
    long rtt = rttNanos();
    return new PathQuality(connection, selected,
        rtt == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(rtt)),
        (long) ((s.bytesRead() - baselineRead) / seconds),
        (long) ((s.bytesWritten() - baselineWritten) / seconds),
        failureNanos.size(),
        demoted,
        unresponsive,
        recentThroughput());
  }

  private void expire(long now) {
    long window = PathQuality.FAILURE_WINDOW.toNanos();
    while (!failureNanos.isEmpty() && now - failureNanos.peek() > window) {
      failureNanos.poll();
    }
    while (!rates.isEmpty() && now - rates.peek()[0] > window) {
      rates.poll();
    }
  }
}
