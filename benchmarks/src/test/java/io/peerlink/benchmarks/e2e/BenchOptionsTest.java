package io.peerlink.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.SecurityProtocol;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void quickIsTheDefaultAndSingleParametersOverrideAMode() {
    assertThat(BenchOptions.parse(new String[0])).isEqualTo(BenchOptions.quick());
    BenchOptions o = BenchOptions.parse(new String[] {"--full", "--rounds", "3", "--size", "1048576",
        "--relay-security", "tls", "--no-relays"});
    assertThat(o.rounds()).isEqualTo(3);
    assertThat(o.size()).isEqualTo(1 << 20);
    assertThat(o.relaySecurity()).isEqualTo(SecurityProtocol.TLS);
    assertThat(o.relays()).isFalse();
    assertThat(o.warmupRounds()).isEqualTo(BenchOptions.full().warmupRounds());
  }

  @Test
  void mistakesAreRefusedWithTheUsage() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rounds"})).hasMessageContaining("usage");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--bogus"})).hasMessageContaining("usage");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rounds", "0"})).hasMessageContaining("positive");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--relay-security", "ssl"}))
        .hasMessageContaining("tls or noise");
  }
}
