package io.peerlink.relay.holepunch;

import java.time.Duration;
import java.util.Objects;

/**
 * Hole punching settings.
 *
 * @param attempts CONNECT/SYNC rounds B makes before giving up (the spec says 3)
 * @param messageTimeout how long either side waits for the next DCUtR message
 * @param dialTimeout how long one punch dial (TCP simultaneous open) may take
 * @param reversalTimeout how long B's direct dial to A's public addresses (connection reversal)
 *     may take before punching; zero skips it
 */
public record HolePunchConfig(int attempts, Duration messageTimeout, Duration dialTimeout, Duration reversalTimeout) {
  public HolePunchConfig {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
    }
    Objects.requireNonNull(messageTimeout, "messageTimeout");
    Objects.requireNonNull(dialTimeout, "dialTimeout");
    Objects.requireNonNull(reversalTimeout, "reversalTimeout");
  }

  /** Three attempts, 10 s per message, 5 s per punch dial, 3 s for connection reversal. */
  public static HolePunchConfig defaults() {
    return new HolePunchConfig(3, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(3));
  }
}
