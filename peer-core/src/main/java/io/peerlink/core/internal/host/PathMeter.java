package io.peerlink.core.internal.host;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.PathQuality;
import io.peerlink.core.PeerStats;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * What a {@link PeerHandleImpl} measures about one of its connections: the RTT (the connection's
 * own moving average), throughput since the last quality ping, the failures of the last
 * {@link PathQuality#FAILURE_WINDOW}, and its health: demoted after {@code failureThreshold}
 * failed stream opens or pings in a row, healthy again after {@code recoverySuccesses} successes
 * in a row. Thread-safe: every method is synchronized, and none does I/O.
 */
final class PathMeter implements PathSelector.Candidate {
  /** Failures remembered at most; more in one window count as this many. */
  private static final int MAX_FAILURES = 64;

  private final PeerConnection connection;
  private final int rank;
  private final ArrayDeque<Long> failureNanos = new ArrayDeque<>();
  private final int failureThreshold;
  private final int recoverySuccesses;
  private int failuresInARow;
  private int successesInARow;
  private boolean demoted;
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

  /** A quality ping went out: throughput is measured from here on. */
  synchronized void restartThroughput() {
    PeerStats s = connection.stats();
    baselineNanos = System.nanoTime();
    baselineRead = s.bytesRead();
    baselineWritten = s.bytesWritten();
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
        demoted);
  }

  private void expire(long now) {
    long window = PathQuality.FAILURE_WINDOW.toNanos();
    while (!failureNanos.isEmpty() && now - failureNanos.peek() > window) {
      failureNanos.poll();
    }
  }
}
