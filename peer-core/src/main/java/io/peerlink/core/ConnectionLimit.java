package io.peerlink.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits a relay puts on a relayed connection (Circuit Relay v2 {@code Limit}). A connection
 * with a limit is "limited": only protocols that opt in run over it (identify, ping and hole
 * punching do), as in go- and js-libp2p.
 *
 * @param duration how long the relay keeps the connection open; {@link Duration#ZERO} means no limit
 * @param dataBytes how many bytes the relay carries in each direction; 0 means no limit
 */
public record ConnectionLimit(Duration duration, long dataBytes) {
  /**
   * Checks the components.
   *
   * @param duration how long the relay keeps the connection open; {@link Duration#ZERO} means no limit
   * @param dataBytes how many bytes the relay carries in each direction; 0 means no limit
   */
  public ConnectionLimit {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || dataBytes < 0) {
      throw new IllegalArgumentException("limits must be >= 0: " + duration + ", " + dataBytes);
    }
  }
}
