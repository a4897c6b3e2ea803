package io.peerlink.core.internal.host;

import io.peerlink.core.event.PathChangeReason;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Picks which of a peer's connections new streams open on. Kind first: an unlimited connection
 * beats a limited one, a direct (or hole-punched) one beats a relayed one, and a better kind takes
 * over the moment it appears. Among connections of the same kind the measured round-trip time
 * decides, with hysteresis: a challenger must be at least {@code margin} faster than the
 * selected connection in {@code samples} of its RTT samples in a row, so two paths of about
 * equal quality do not take turns. Health comes between kind and RTT: a connection demoted for
 * failing in a row ranks below every healthy one of its kind, and when the selected one is
 * demoted a healthy one of its kind takes over at once. Responsiveness comes before kind: a
 * connection that left a liveness probe unanswered ranks below every responsive one, so a
 * silent punched connection gives way to the relayed fallback at once, and takes over again when
 * it answers. When RTTs are about equal (within the margin, or {@link #RTT_TIE_NANOS}), recent
 * throughput decides: a challenger that carried {@code throughputRatio} times as much takes over.
 * Not thread-safe: its owner serialises the calls.
 *
 * @param <C> what a connection looks like to the selector
 */
final class PathSelector<C extends PathSelector.Candidate> {

  /** A connection as the selector sees it. */
  interface Candidate {
    /** 0 is the best kind: see {@link PathSelector#rank(boolean, boolean)}. */
    int rank();

    /** The smoothed round-trip time in nanoseconds, 0 while unmeasured. */
    long rttNanos();

    /** Whether its recent failures demote it below the healthy connections of its kind. */
    boolean demoted();

    /** Whether an unanswered liveness probe puts it below every responsive connection. */
    default boolean unresponsive() {
      return false;
    }

    /** Its recent peak throughput in bytes per second, 0 while unmeasured. */
    default long recentThroughput() {
      return 0;
    }
  }

  /**
   * RTTs that differ by less than this are a tie, whatever the margin says: below a millisecond
   * the difference is scheduling jitter, not the path, and the choice between such paths is left
   * to throughput.
   */
  static final long RTT_TIE_NANOS = 1_000_000;

  /**
   * Recent throughput below this (bytes per second) is pings and control traffic, not a
   * measure of what the path can carry: it never wins a connection new streams.
   */
  static final long MIN_THROUGHPUT = 64 * 1024;

  /** A change of the selection; {@code from} or {@code to} is null when there was or is none. */
  record Change<C>(C from, C to, PathChangeReason reason) {}

  private final double margin;
  private final int samples;
  private final double throughputRatio;
  private C selected;
  private C challenger;
  private int streak;

  PathSelector(double margin, int samples) {
    this(margin, samples, 2.0);
  }

  PathSelector(double margin, int samples, double throughputRatio) {
    this.margin = margin;
    this.samples = samples;
    this.throughputRatio = throughputRatio;
  }

  /** The kind with responsiveness in front: every responsive kind before every unresponsive one. */
  private static int standing(Candidate c) {
    return (c.unresponsive() ? 4 : 0) + c.rank();
  }

  /**
   * The kind of a connection as a number, lower is better: unlimited before limited, then direct
   * before relayed (go-libp2p's {@code isBetterConn} orders them the same way).
   */
  static int rank(boolean limited, boolean relayed) {
    return (limited ? 2 : 0) + (relayed ? 1 : 0);
  }

  C selected() {
    return selected;
  }

  /**
   * {@code all} ordered best first: the selected one, then responsive before unresponsive, then
   * by kind, then healthy before demoted, then by RTT (unmeasured last).
   */
  List<C> ordered(Collection<C> all) {
    List<C> list = new ArrayList<>(all);
    list.sort(Comparator.<C>comparingInt(c -> c == selected ? 0 : 1)
        .thenComparingInt(PathSelector::standing)
        .thenComparing(Candidate::demoted)
        .thenComparingLong(c -> c.rttNanos() == 0 ? Long.MAX_VALUE : c.rttNanos()));
    return list;
  }

  /** A connection opened; {@code added} is already in the caller's set. */
  Change<C> added(C added) {
    if (selected == null) {
      selected = added;
      return new Change<>(null, added, PathChangeReason.FIRST);
    }
    if (standing(added) < standing(selected)) {
      return switchTo(added, PathChangeReason.BETTER_PATH);
    }
    return null;
  }

  /** A connection closed; {@code remaining} are the open ones left. */
  Change<C> removed(C removed, Collection<C> remaining) {
    if (removed == challenger) {
      challenger = null;
      streak = 0;
    }
    if (removed != selected) {
      return null;
    }
    C next = best(remaining);
    return switchTo(next, PathChangeReason.PATH_LOST);
  }

  /** {@code sampled} measured a round trip; {@code all} are the open connections. */
  Change<C> sampled(C sampled, Collection<C> all) {
    if (selected == null) {
      return null;
    }
    C best = best(all);
    if (best != null && standing(best) < standing(selected)) {
      return switchTo(best, PathChangeReason.BETTER_PATH);
    }
    C candidate = fastestChallenger(all);
    if (candidate == null) {
      challenger = null;
      streak = 0;
      return null;
    }
    if (candidate != challenger) {
      challenger = candidate;
      streak = 0;
    }
    if (sampled == candidate) {
      streak++;
    }
    return streak >= samples ? switchTo(candidate, PathChangeReason.BETTER_QUALITY) : null;
  }

  /**
   * A connection was demoted, recovered, went unresponsive or answered again; {@code all} are the
   * open connections. An unresponsive selection gives way at once to the best responsive
   * connection of any kind; a demoted one to the best healthy connection of its kind; and a
   * better kind that answers again takes new streams back.
   */
  Change<C> healthChanged(Collection<C> all) {
    if (selected == null) {
      return null;
    }
    C best = best(all);
    if (best == null || best == selected) {
      return null;
    }
    if (selected.unresponsive() && !best.unresponsive()) {
      return switchTo(best, PathChangeReason.PATH_UNRESPONSIVE);
    }
    if (!best.unresponsive() && best.rank() < selected.rank()) {
      return switchTo(best, PathChangeReason.PATH_RECOVERED);
    }
    if (selected.demoted() && !best.demoted() && best.rank() == selected.rank()) {
      return switchTo(best, PathChangeReason.PATH_FAILING);
    }
    return null;
  }

  /**
   * Recent throughputs were measured; {@code all} are the open connections. A healthy connection
   * of the selected one's kind whose RTT ties with it (neither beats the other by the margin, or
   * they are within {@link #RTT_TIE_NANOS}) and that carried {@code throughputRatio} times as much
   * (and at least {@link #MIN_THROUGHPUT}) takes over.
   */
  Change<C> throughputMeasured(Collection<C> all) {
    if (selected == null || selected.unresponsive() || selected.demoted()) {
      return null;
    }
    double needed = Math.max(MIN_THROUGHPUT, selected.recentThroughput() * throughputRatio);
    C winner = null;
    for (C c : all) {
      if (c != selected && c.rank() == selected.rank() && !c.demoted() && !c.unresponsive()
          && rttTie(c, selected) && c.recentThroughput() >= needed
          && (winner == null || c.recentThroughput() > winner.recentThroughput())) {
        winner = c;
      }
    }
    return winner == null ? null : switchTo(winner, PathChangeReason.BETTER_THROUGHPUT);
  }

  /** Whether neither RTT beats the other by the margin (or they are within {@link #RTT_TIE_NANOS}); both measured. */
  private boolean rttTie(Candidate a, Candidate b) {
    long x = a.rttNanos();
    long y = b.rttNanos();
    if (x == 0 || y == 0) {
      return false;
    }
    return Math.abs(x - y) < RTT_TIE_NANOS || (x > y * (1 - margin) && y > x * (1 - margin));
  }

  /** The fastest healthy connection of the selected one's kind that beats it by the margin, or null. */
  private C fastestChallenger(Collection<C> all) {
    long current = selected.rttNanos();
    if (current == 0) {
      return null; // nothing to compare with yet
    }
    double threshold = current * (1 - margin);
    C fastest = null;
    for (C c : all) {
      if (c != selected && c.rank() == selected.rank() && !c.demoted() && !c.unresponsive()
          && c.rttNanos() != 0 && c.rttNanos() <= threshold && current - c.rttNanos() >= RTT_TIE_NANOS
          && (fastest == null || c.rttNanos() < fastest.rttNanos())) {
        fastest = c;
      }
    }
    return fastest;
  }

  private C best(Collection<C> all) {
    C best = null;
    for (C c : all) {
      if (best == null || standing(c) < standing(best)
          || (standing(c) == standing(best) && !c.demoted() && best.demoted())
          || (standing(c) == standing(best) && c.demoted() == best.demoted() && faster(c, best))) {
        best = c;
      }
    }
    return best;
  }

  private static boolean faster(Candidate a, Candidate b) {
    return a.rttNanos() != 0 && (b.rttNanos() == 0 || a.rttNanos() < b.rttNanos());
  }

  private Change<C> switchTo(C next, PathChangeReason reason) {
    C from = selected;
    selected = next;
    challenger = null;
    streak = 0;
    return new Change<>(from, next, reason);
  }
}
