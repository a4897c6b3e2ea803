package io.peerlink.relay.internal.holepunch;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.Direction;
import io.peerlink.relay.HolePunchConfig;
import org.junit.jupiter.api.Test;

/** Which side of the upgrade each DCUtR role plays on each round, including the go-libp2p compatibility roles. */
class UpgradeRolesTest {
  private static HolePunchConfig config(int attempts, boolean legacy) {
    return HolePunchConfig.builder().attempts(attempts).legacyRolesOnLastAttempt(legacy).build();
  }

  @Test
  void specRolesOnEveryRoundByDefault() {
    HolePunchConfig c = HolePunchConfig.defaults();
    assertThat(c.legacyRolesOnLastAttempt()).isFalse();
    for (int n = 1; n <= 3; n++) {
      assertThat(UpgradeRoles.ofB(c, n)).as("B, round %d", n).isEqualTo(Direction.INBOUND);
      assertThat(UpgradeRoles.ofA(c, n)).as("A, round %d", n).isEqualTo(Direction.OUTBOUND);
    }
  }

  @Test
  void withTheGoFallbackBIsTheClientOnlyOnItsLastAttempt() {
    HolePunchConfig c = config(3, true);
    assertThat(UpgradeRoles.ofB(c, 1)).isEqualTo(Direction.INBOUND);
    assertThat(UpgradeRoles.ofB(c, 2)).isEqualTo(Direction.INBOUND);
    assertThat(UpgradeRoles.ofB(c, 3)).isEqualTo(Direction.OUTBOUND);
    // A counts the rounds on the relayed connection and mirrors B, so both ends agree.
    assertThat(UpgradeRoles.ofA(c, 1)).isEqualTo(Direction.OUTBOUND);
    assertThat(UpgradeRoles.ofA(c, 2)).isEqualTo(Direction.OUTBOUND);
    assertThat(UpgradeRoles.ofA(c, 3)).isEqualTo(Direction.INBOUND);
    // A fourth round B never makes, should a misbehaving B start one: still the legacy roles.
    assertThat(UpgradeRoles.ofA(c, 4)).isEqualTo(Direction.INBOUND);
  }

  @Test
  void theLastAttemptFollowsTheConfiguredCount() {
    assertThat(UpgradeRoles.ofB(config(1, true), 1)).isEqualTo(Direction.OUTBOUND);
    assertThat(UpgradeRoles.ofB(config(5, true), 3)).isEqualTo(Direction.INBOUND);
    assertThat(UpgradeRoles.ofB(config(5, true), 5)).isEqualTo(Direction.OUTBOUND);
    assertThat(HolePunchConfig.defaults().toBuilder().legacyRolesOnLastAttempt(true).build().legacyRolesOnLastAttempt()).isTrue();
  }
}
