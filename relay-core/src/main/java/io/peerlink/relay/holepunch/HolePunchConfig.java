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
 * @param legacyRolesOnLastAttempt go-libp2p compatibility (checklist section 13): on the last
 *     round ({@code attempts}) B plays the client and A the server, the roles go-libp2p before
 *     v0.41 used on every round; current go flips B the same way on its last attempt. A counts the
 *     rounds on each relayed connection, so two peerlink peers stay consistent either way. Off by
 *     default (the spec's roles on every round)
 */
public record HolePunchConfig(int attempts, Duration messageTimeout, Duration dialTimeout, Duration reversalTimeout,
    boolean legacyRolesOnLastAttempt) {
  /**
   * Checks the components.
   *
   * @param attempts CONNECT/SYNC rounds B makes before giving up (the spec says 3)
   * @param messageTimeout how long either side waits for the next DCUtR message
   * @param dialTimeout how long one punch dial (TCP simultaneous open) may take
   * @param reversalTimeout how long B's direct dial to A's public addresses (connection reversal)
   *     may take before punching; zero skips it
   * @param legacyRolesOnLastAttempt go-libp2p compatibility (checklist section 13): on the last
   *     round ({@code attempts}) B plays the client and A the server, the roles go-libp2p before
   *     v0.41 used on every round; current go flips B the same way on its last attempt. A counts the
   *     rounds on each relayed connection, so two peerlink peers stay consistent either way. Off by
   *     default (the spec's roles on every round)
   */
  public HolePunchConfig {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
    }
    Objects.requireNonNull(messageTimeout, "messageTimeout");
    Objects.requireNonNull(dialTimeout, "dialTimeout");
    Objects.requireNonNull(reversalTimeout, "reversalTimeout");
  }

  /**
   * The spec's roles on every round.
   *
   * @param attempts punch attempts per hole punch
   * @param messageTimeout time for each DCUtR message
   * @param dialTimeout time for each punch's dial
   * @param reversalTimeout time to wait for the remote to dial us first
   */
  public HolePunchConfig(int attempts, Duration messageTimeout, Duration dialTimeout, Duration reversalTimeout) {
    this(attempts, messageTimeout, dialTimeout, reversalTimeout, false);
  }

  /** {@return the defaults: three attempts, 10 s per message, 5 s per punch dial, 3 s for connection reversal, spec roles} */
  public static HolePunchConfig defaults() {
    return new HolePunchConfig(3, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(3));
  }

  /**
   * This config with {@link #legacyRolesOnLastAttempt} set to {@code on}.
   *
   * @param on whether to flip to the legacy roles on the last attempt
   * @return the changed config
   */
  public HolePunchConfig withLegacyRolesOnLastAttempt(boolean on) {
    return new HolePunchConfig(attempts, messageTimeout, dialTimeout, reversalTimeout, on);
  }
}
