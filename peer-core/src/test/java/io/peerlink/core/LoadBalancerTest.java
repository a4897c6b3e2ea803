package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.LoadBalancer.Candidate;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
  private static final List<PeerId> IDS = new ArrayList<>();

  static {
    for (int i = 0; i < 4; i++) {
      IDS.add(Identity.generate().peerId());
    }
    IDS.sort(null);
  }

  private static Candidate c(int i, Long rttMs, int inFlight) {
    return new Candidate(IDS.get(i), Optional.ofNullable(rttMs).map(Duration::ofMillis), inFlight);
  }

  /** Returns the given ints in turn, as nextInt(bound) would. */
  private static RandomGenerator scripted(int... values) {
    return new RandomGenerator() {
      int i;

      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int nextInt(int bound) {
        int v = values[i++ % values.length];
        assertThat(v).isLessThan(bound);
        return v;
      }
    };
  }

  @Test
  void roundRobinVisitsEachInTurn() {
    LoadBalancer lb = LoadBalancer.roundRobin();
    List<Candidate> cs = List.of(c(0, 5L, 0), c(1, 5L, 0), c(2, 5L, 0));
    List<Integer> picks = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      picks.add(lb.choose(cs));
    }
    assertThat(picks).containsExactly(0, 1, 2, 0, 1, 2, 0);
  }

  @Test
  void lowestRttPrefersMeasuredThenFewerInFlight() {
    LoadBalancer lb = LoadBalancer.lowestRtt();
    assertThat(lb.choose(List.of(c(0, 30L, 0), c(1, 10L, 5), c(2, null, 0)))).isEqualTo(1);
    assertThat(lb.choose(List.of(c(0, null, 0), c(1, 10L, 5), c(2, 10L, 2)))).isEqualTo(2);
    assertThat(lb.choose(List.of(c(0, null, 3), c(1, null, 1)))).isEqualTo(1);
  }

  @Test
  void leastInFlightBreaksTiesOnRtt() {
    LoadBalancer lb = LoadBalancer.leastInFlight();
    assertThat(lb.choose(List.of(c(0, 1L, 3), c(1, 50L, 1), c(2, 20L, 1)))).isEqualTo(2);
    assertThat(lb.choose(List.of(c(0, 1L, 0), c(1, 50L, 0)))).isEqualTo(0);
  }

  @Test
  void powerOfTwoChoicesTakesTheLessLoadedOfTwoDistinctDraws() {
    List<Candidate> cs = List.of(c(0, 10L, 4), c(1, 10L, 1), c(2, 10L, 2), c(3, 5L, 2));
    // draws (0, 1): candidates 0 and 2 (the second draw skips the first) -> 2 has fewer in flight
    assertThat(LoadBalancer.powerOfTwoChoices(scripted(0, 1)).choose(cs)).isEqualTo(2);
    // draws (1, 0): candidates 1 and 0 -> 1
    assertThat(LoadBalancer.powerOfTwoChoices(scripted(1, 0)).choose(cs)).isEqualTo(1);
    // draws (2, 2): candidates 2 and 3, equal load -> lower RTT, 3
    assertThat(LoadBalancer.powerOfTwoChoices(scripted(2, 2)).choose(cs)).isEqualTo(3);
    assertThat(LoadBalancer.powerOfTwoChoices(scripted(0, 0)).choose(List.of(c(0, null, 9)))).isZero();
  }
}
