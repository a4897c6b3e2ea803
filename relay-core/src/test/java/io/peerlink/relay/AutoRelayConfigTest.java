package io.peerlink.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AutoRelayConfigTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    AutoRelayConfig c = AutoRelayConfig.defaults();
    assertThat(c.minRelays()).isEqualTo(2);
    assertThat(c.maxRelays()).isEqualTo(4);
    assertThat(c.refreshInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.bootDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.blacklistDuration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.vettingTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.reservationTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.maxCandidates()).isEqualTo(32);
  }

  @Test
  void badValuesAreRefusedAndToBuilderKeepsTheRest() {
    assertThatThrownBy(() -> AutoRelayConfig.builder().minRelays(0).build()).hasMessageContaining("minRelays");
    assertThatThrownBy(() -> AutoRelayConfig.builder().minRelays(3).maxRelays(2).build()).hasMessageContaining("maxRelays");
    assertThatThrownBy(() -> AutoRelayConfig.builder().blacklistDuration(Duration.ZERO).build()).hasMessageContaining("blacklist");
    assertThatThrownBy(() -> AutoRelayConfig.builder().bootDelay(Duration.ofSeconds(-1)).build()).hasMessageContaining("bootDelay");
    assertThatThrownBy(() -> AutoRelayConfig.builder().vettingTimeout(Duration.ZERO).build()).hasMessageContaining("vetting");
    AutoRelayConfig c = AutoRelayConfig.builder().minRelays(3).bootDelay(Duration.ZERO).build().toBuilder().maxRelays(5).build();
    assertThat(c.minRelays()).isEqualTo(3);
    assertThat(c.maxRelays()).isEqualTo(5);
    assertThat(c.bootDelay()).isZero();
  }
}
