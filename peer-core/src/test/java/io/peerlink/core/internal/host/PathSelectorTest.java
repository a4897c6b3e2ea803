package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.event.PathChangeReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The choice among a peer's connections, driven by hand-made RTT samples, health and throughput:
 * responsive first, then kind, then healthy before demoted, then RTT with hysteresis, and recent
 * throughput where RTTs tie.
 */
class PathSelectorTest {
  private static final long MS = 1_000_000;

  /** A connection as the selector sees it, with an RTT the test sets. */
  private static final class Path implements PathSelector.Candidate {
    final String name;
    final int rank;
    long rtt;
    boolean demoted;
    boolean unresponsive;
    long throughput;

    Path(String name, boolean limited, boolean relayed) {
      this.name = name;
      this.rank = PathSelector.rank(limited, relayed);
    }

    @Override
    public int rank() {
      return rank;
    }

    @Override
    public long rttNanos() {
      return rtt;
    }

    @Override
    public boolean demoted() {
      return demoted;
    }

    @Override
    public boolean unresponsive() {
      return unresponsive;
    }

    @Override
    public long recentThroughput() {
      return throughput;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final PathSelector<Path> selector = new PathSelector<>(0.2, 3, 2.0);
  private final List<Path> open = new ArrayList<>();

  private PathSelector.Change<Path> add(Path p) {
    open.add(p);
    return selector.added(p);
  }

  private PathSelector.Change<Path> sample(Path p, long rttMs) {
    p.rtt = rttMs * MS;
    return selector.sampled(p, open);
  }

  @Test
  void directBeatsRelayedAndUnlimitedBeatsLimitedTheMomentItOpens() {
    Path limited = new Path("limited-relayed", true, true);
    Path relayed = new Path("relayed", false, true);
    Path direct = new Path("direct", false, false);

    assertThat(add(limited)).isEqualTo(new PathSelector.Change<>(null, limited, PathChangeReason.FIRST));
    assertThat(add(relayed)).isEqualTo(new PathSelector.Change<>(limited, relayed, PathChangeReason.BETTER_PATH));
    assertThat(add(direct)).isEqualTo(new PathSelector.Change<>(relayed, direct, PathChangeReason.BETTER_PATH));
    // A faster relayed path never beats a direct one: kind comes before RTT.
    sample(direct, 80);
    for (int i = 0; i < 10; i++) {
      assertThat(sample(relayed, 1)).isNull();
    }
    assertThat(selector.ordered(open)).containsExactly(direct, relayed, limited);
  }

  @Test
  void aFasterPathOfTheSameKindTakesOverOnlyAfterEnoughSamplesInARow() {
    Path a = new Path("a", false, false);
    Path b = new Path("b", false, false);
    add(a);
    assertThat(add(b)).isNull(); // same kind, nothing measured: the first stays
    sample(a, 10);

    assertThat(sample(b, 7)).isNull(); // 30% faster: one sample
    assertThat(sample(b, 7)).isNull(); // two
    assertThat(sample(b, 7)).isEqualTo(new PathSelector.Change<>(a, b, PathChangeReason.BETTER_QUALITY));
    assertThat(selector.selected()).isSameAs(b);
  }

  @Test
  void aPathWithinTheMarginOrOneThatFallsBackNeverTakesOver() {
    Path a = new Path("a", false, false);
    Path b = new Path("b", false, false);
    add(a);
    add(b);
    sample(a, 10);
    for (int i = 0; i < 10; i++) {
      assertThat(sample(b, 9)).isNull(); // 10% faster: inside the margin, no flapping
    }
    assertThat(sample(b, 7)).isNull();
    assertThat(sample(b, 7)).isNull();
    assertThat(sample(b, 9)).isNull(); // the streak breaks
    assertThat(sample(b, 7)).isNull();
    assertThat(sample(b, 7)).isNull();
    assertThat(selector.selected()).isSameAs(a);
    assertThat(sample(b, 7).to()).isSameAs(b);
  }

  @Test
  void losingTheSelectedPathMovesToTheNextBestAtOnce() {
    Path relayed = new Path("relayed", false, true);
    Path slow = new Path("slow", false, false);
    Path fast = new Path("fast", false, false);
    add(relayed);
    add(slow);
    add(fast);
    sample(slow, 20);
    sample(fast, 5);
    open.remove(slow);

    assertThat(selector.removed(slow, open)).isEqualTo(new PathSelector.Change<>(slow, fast, PathChangeReason.PATH_LOST));
    open.remove(fast);
    assertThat(selector.removed(fast, open)).isEqualTo(new PathSelector.Change<>(fast, relayed, PathChangeReason.PATH_LOST));
    open.remove(relayed);
    assertThat(selector.removed(relayed, open)).isEqualTo(new PathSelector.Change<>(relayed, null, PathChangeReason.PATH_LOST));
    assertThat(add(fast).reason()).isEqualTo(PathChangeReason.FIRST);
  }

  @Test
  void aDemotedSelectionGivesWayAtOnceToAHealthyConnectionOfItsKindOnly() {
    Path relayed = new Path("relayed", false, true);
    Path a = new Path("direct-a", false, false);
    Path b = new Path("direct-b", false, false);
    add(relayed);
    add(a);
    add(b);
    sample(a, 10);
    sample(b, 30); // slower: only health can move streams to it

    a.demoted = true;
    assertThat(selector.healthChanged(open)).isEqualTo(new PathSelector.Change<>(a, b, PathChangeReason.PATH_FAILING));
    assertThat(selector.ordered(open)).containsExactly(b, a, relayed);
    // While demoted, a's better RTT does not win it back.
    for (int i = 0; i < 5; i++) {
      assertThat(sample(a, 1)).isNull();
    }
    // Both demoted: nothing healthy of the kind, so nothing moves (and never to the relayed one).
    b.demoted = true;
    assertThat(selector.healthChanged(open)).isNull();
    assertThat(selector.selected()).isSameAs(b);
    // a recovered: the demoted selection gives way to it.
    a.demoted = false;
    assertThat(selector.healthChanged(open)).isEqualTo(new PathSelector.Change<>(b, a, PathChangeReason.PATH_FAILING));
  }

  @Test
  void aRecoveredConnectionWinsOnlyByTheUsualRttRule() {
    Path a = new Path("a", false, false);
    Path b = new Path("b", false, false);
    add(a);
    add(b);
    a.demoted = true;
    assertThat(selector.healthChanged(open).to()).isSameAs(b);
    a.demoted = false;
    assertThat(selector.healthChanged(open)).isNull(); // b is healthy: no reason to move back
    sample(b, 10);
    assertThat(sample(a, 9)).isNull(); // within the margin
    assertThat(selector.selected()).isSameAs(b);
  }

  @Test
  void anUnresponsiveDirectPathGivesWayToTheRelayedOneAndTakesStreamsBackWhenItAnswers() {
    Path relayed = new Path("relayed", false, true);
    Path direct = new Path("direct", false, false);
    add(relayed);
    add(direct);
    sample(direct, 10);
    sample(relayed, 40);

    direct.unresponsive = true;
    assertThat(selector.healthChanged(open))
        .isEqualTo(new PathSelector.Change<>(direct, relayed, PathChangeReason.PATH_UNRESPONSIVE));
    assertThat(selector.ordered(open)).containsExactly(relayed, direct);
    // Its samples (late answers) do not win it back while it is unresponsive, kind or not.
    assertThat(sample(direct, 1)).isNull();
    assertThat(selector.selected()).isSameAs(relayed);

    direct.unresponsive = false;
    assertThat(selector.healthChanged(open))
        .isEqualTo(new PathSelector.Change<>(relayed, direct, PathChangeReason.PATH_RECOVERED));
  }

  @Test
  void whenEveryPathIsUnresponsiveNothingMovesAndTheFirstToAnswerTakesOver() {
    Path relayed = new Path("relayed", false, true);
    Path direct = new Path("direct", false, false);
    add(relayed);
    add(direct);
    direct.unresponsive = true;
    relayed.unresponsive = true;
    assertThat(selector.healthChanged(open)).isNull();
    relayed.unresponsive = false;
    assertThat(selector.healthChanged(open))
        .isEqualTo(new PathSelector.Change<>(direct, relayed, PathChangeReason.PATH_UNRESPONSIVE));
  }

  @Test
  void whereRttsTieClearlyMoreRecentThroughputWins() {
    Path a = new Path("a", false, false);
    Path b = new Path("b", false, false);
    Path relayed = new Path("relayed", false, true);
    add(a);
    add(b);
    add(relayed);
    sample(a, 10);
    sample(b, 11); // within the 20% margin: a tie
    relayed.rtt = 10 * MS;
    relayed.throughput = 100L << 20; // another kind never wins by throughput

    a.throughput = 1 << 20;
    b.throughput = (3 << 20) / 2; // 1.5x: not clearly more
    assertThat(selector.throughputMeasured(open)).isNull();
    b.throughput = 2 << 20;
    assertThat(selector.throughputMeasured(open))
        .isEqualTo(new PathSelector.Change<>(a, b, PathChangeReason.BETTER_THROUGHPUT));
    // Back only for twice b's: no flapping between two busy paths.
    a.throughput = 3 << 20;
    assertThat(selector.throughputMeasured(open)).isNull();
  }

  @Test
  void throughputDoesNotBeatAClearlyFasterPathNorPingTraffic() {
    Path a = new Path("a", false, false);
    Path b = new Path("b", false, false);
    add(a);
    add(b);
    sample(a, 10);
    sample(b, 20); // clearly slower
    b.throughput = 50L << 20;
    assertThat(selector.throughputMeasured(open)).isNull();
    sample(b, 10);
    b.throughput = PathSelector.MIN_THROUGHPUT - 1; // a's is 0, but this is only pings
    assertThat(selector.throughputMeasured(open)).isNull();
    b.demoted = true;
    b.throughput = 50L << 20;
    assertThat(selector.throughputMeasured(open)).isNull(); // failing paths never win
  }

  @Test
  void subMillisecondRttDifferencesAreATie() {
    Path a = new Path("a", false, false);
    Path b = new Path("b", false, false);
    add(a);
    add(b);
    a.rtt = 800_000; // 0.8 ms
    selector.sampled(a, open);
    for (int i = 0; i < 10; i++) {
      b.rtt = 200_000; // 75% faster, but by 0.6 ms: jitter on any path
      assertThat(selector.sampled(b, open)).isNull();
    }
  }
}
