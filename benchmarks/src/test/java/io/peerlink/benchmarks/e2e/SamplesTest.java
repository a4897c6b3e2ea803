package io.peerlink.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SamplesTest {
  @Test
  void mediansOfOddAndEvenCountsAndOfNothing() {
    Samples s = new Samples();
    for (double v : new double[] {5, 1, 3}) {
      s.add("odd", "ms", v);
    }
    for (double v : new double[] {4, 1, 3, 2}) {
      s.add("even", "ms", v);
    }
    assertThat(s.median("odd")).isEqualTo(3);
    assertThat(s.median("even")).isEqualTo(2.5);
    assertThat(s.median("missing")).isNaN();
    assertThat(s.all().get("odd")).containsExactly(5.0, 1.0, 3.0);
    assertThat(s.unit("even")).isEqualTo("ms");
  }
}
