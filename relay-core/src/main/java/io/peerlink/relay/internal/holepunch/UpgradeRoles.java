package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.Direction;
import io.peerlink.relay.HolePunchConfig;

/**
 * Which side of the upgrade (multistream initiator, security client, yamux client) each DCUtR
 * role plays on the connection a round punches. The spec makes A, who dialed the relayed
 * connection, the client and B the server on every round; older go-libp2p peers expect the
 * opposite, so {@link HolePunchConfig#legacyRolesOnLastAttempt} swaps them on B's last round. A
 * counts the rounds B started on one relayed connection and mirrors B, so both ends agree.
 */
final class UpgradeRoles {
  private UpgradeRoles() {}

  /**
   * B's side of the upgrade on the connection its round {@code attempt} (from 1) punches: the
   * server ({@link Direction#INBOUND}), or the client on the last round with
   * {@link HolePunchConfig#legacyRolesOnLastAttempt}.
   */
  static Direction ofB(HolePunchConfig config, int attempt) {
    return config.legacyRolesOnLastAttempt() && attempt >= config.attempts() ? Direction.OUTBOUND : Direction.INBOUND;
  }

  /** A's side in the {@code round}-th DCUtR round B started on one relayed connection: B's opposite. */
  static Direction ofA(HolePunchConfig config, int round) {
    return ofB(config, round) == Direction.INBOUND ? Direction.OUTBOUND : Direction.INBOUND;
  }
}
