package io.peerlink.core;

import io.peerlink.core.event.PathHealth;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link PeerHandle} measured about one of its connections, from {@link PeerHandle#quality()}.
 *
 * @param connection the connection
 * @param selected whether new streams open on it
 * @param rtt the round-trip time, a moving average of keep-alive and quality pings; empty until
 *     the first sample
 * @param readBytesPerSecond bytes received per second since the previous quality ping (since the
 *     connection opened when quality pings are off)
 * @param writtenBytesPerSecond bytes sent per second, measured the same way
 * @param recentFailures streams and pings that failed on this connection in the last
 *     {@link #FAILURE_WINDOW}
 * @param demoted whether the connection failed {@link PeerConfig#pathFailureThreshold()} stream
 *     opens or pings in a row and has not yet succeeded {@link PeerConfig#pathRecoverySuccesses()}
 *     times in a row since: new streams avoid it while a healthy connection of its kind is open
 * @param unresponsive whether a liveness probe ({@link PeerConfig#livenessProbeInterval()}) went
 *     unanswered and {@link PeerConfig#pathRecoverySuccesses()} probes in a row have not been
 *     answered since: new streams avoid it while any responsive connection is open
 * @param recentThroughput the highest rate, bytes read plus written per second, the connection
 *     carried in one quality-ping interval within the last {@link #FAILURE_WINDOW}; 0 when
 *     quality pings are off or no interval ended yet
 */
public record PathQuality(
    Peer connection,
    boolean selected,
    Optional<Duration> rtt,
    long readBytesPerSecond,
    long writtenBytesPerSecond,
    int recentFailures,
    boolean demoted,
    boolean unresponsive,
    long recentThroughput) {

  /** How far back {@link #recentFailures()} counts: one minute, four quality pings at the default interval. */
  public static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);

  /**
   * Checks the components.
   *
   * @param connection the connection
   * @param selected whether new streams open on it
   * @param rtt the round-trip time, empty until the first sample
   * @param readBytesPerSecond bytes received per second
   * @param writtenBytesPerSecond bytes sent per second
   * @param recentFailures failures in the last {@link #FAILURE_WINDOW}
   * @param demoted whether new streams avoid it for its failures
   * @param unresponsive whether new streams avoid it for an unanswered liveness probe
   * @param recentThroughput the recent peak rate in bytes per second
   */
  public PathQuality {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(rtt, "rtt");
  }

  /**
   * A responsive connection with no recent throughput figure (as before liveness probes).
   *
   * @param connection the connection
   * @param selected whether new streams open on it
   * @param rtt the round-trip time, empty until the first sample
   * @param readBytesPerSecond bytes received per second
   * @param writtenBytesPerSecond bytes sent per second
   * @param recentFailures failures in the last {@link #FAILURE_WINDOW}
   * @param demoted whether new streams avoid it for its failures
   */
  public PathQuality(Peer connection, boolean selected, Optional<Duration> rtt, long readBytesPerSecond,
      long writtenBytesPerSecond, int recentFailures, boolean demoted) {
    this(connection, selected, rtt, readBytesPerSecond, writtenBytesPerSecond, recentFailures, demoted, false, 0);
  }

  /** {@return how the connection stands as a path: unresponsive, failing (demoted) or healthy} */
  public PathHealth health() {
    return unresponsive ? PathHealth.UNRESPONSIVE : demoted ? PathHealth.FAILING : PathHealth.HEALTHY;
  }

  /** {@return how the connection reaches the peer} */
  public ConnectionPath path() {
    return connection.path();
  }

  /** {@return whether the connection is a limited relayed one} */
  public boolean limited() {
    return connection.limit().isPresent();
  }
}
