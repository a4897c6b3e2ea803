package io.peerlink.core;

import io.peerlink.core.identity.PeerId;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Picks one of the peers that serve a protocol, for {@link PeerPool#select} and
 * {@link PeerPool#call}: pick a built-in strategy or write your own. Implementations must be
 * thread-safe.
 *
 * <p>The built-in strategies: {@link #roundRobin()}, {@link #lowestRtt()}, {@link #leastInFlight()}
 * and {@link #powerOfTwoChoices()} (the default: two random candidates, the less loaded wins, which
 * spreads load nearly as well as least-in-flight without every caller piling onto the same peer).
 */
@FunctionalInterface
public interface LoadBalancer {

  /**
   * What a strategy knows about one candidate.
   *
   * @param peerId the peer
   * @param rtt its round-trip time moving average ({@link PeerStats#rtt()}), empty until measured
   * @param inFlight calls to it through {@link PeerPool#call} not yet completed
   */
  record Candidate(PeerId peerId, Optional<Duration> rtt, int inFlight) {
    /**
     * Checks the components.
     *
     * @param peerId the peer
     * @param rtt its round-trip time moving average ({@link PeerStats#rtt()}), empty until measured
     * @param inFlight calls to it through {@link PeerPool#call} not yet completed
     */
    public Candidate {
      Objects.requireNonNull(peerId, "peerId");
      Objects.requireNonNull(rtt, "rtt");
    }
  }

  /**
   * Chooses one candidate.
   *
   * @param candidates at least one, ordered by peer ID (so a strategy's choice is reproducible)
   * @return the index of the chosen candidate
   */
  int choose(List<Candidate> candidates);

  /** {@return a balancer that takes the candidates in turn, one after the other} */
  static LoadBalancer roundRobin() {
    AtomicLong next = new AtomicLong();
    return c -> (int) Math.floorMod(next.getAndIncrement(), (long) c.size());
  }

  /** {@return the lowest measured RTT; unmeasured peers come last; ties go to fewer in flight, then the first} */
  static LoadBalancer lowestRtt() {
    return c -> argMin(c, byRtt().thenComparingInt(Candidate::inFlight));
  }

  /** {@return the fewest calls in flight; ties go to the lower RTT, then the first} */
  static LoadBalancer leastInFlight() {
    return c -> argMin(c, Comparator.comparingInt(Candidate::inFlight).thenComparing(byRtt()));
  }

  /** {@return a power-of-two-choices balancer with a fresh random source} */
  static LoadBalancer powerOfTwoChoices() {
    SplittableRandom seed = new SplittableRandom();
    return powerOfTwoChoices(seed.split());
  }

  /**
   * Two distinct candidates drawn at random, and of them the one with fewer calls in flight (ties:
   * lower RTT, then the first drawn). {@code random} is used under a lock, so any generator will do.
   *
   * @param random the source of the random draws
   * @return the balancer
   */
  static LoadBalancer powerOfTwoChoices(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    Comparator<Candidate> load = Comparator.comparingInt(Candidate::inFlight).thenComparing(byRtt());
    return c -> {
      if (c.size() == 1) {
        return 0;
      }
      int a;
      int b;
      synchronized (random) {
        a = random.nextInt(c.size());
        b = random.nextInt(c.size() - 1);
      }
      if (b >= a) {
        b++; // distinct from a
      }
      return load.compare(c.get(b), c.get(a)) < 0 ? b : a;
    };
  }

  /** Orders by measured RTT, unmeasured last. */
  private static Comparator<Candidate> byRtt() {
    return Comparator.comparing(
        (Candidate x) -> x.rtt().orElse(null), Comparator.nullsLast(Comparator.naturalOrder()));
  }

  private static int argMin(List<Candidate> c, Comparator<Candidate> order) {
    int best = 0;
    for (int i = 1; i < c.size(); i++) {
      if (order.compare(c.get(i), c.get(best)) < 0) {
        best = i;
      }
    }
    return best;
  }
}
