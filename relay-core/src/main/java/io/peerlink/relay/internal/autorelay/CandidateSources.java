package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.CandidateSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AutoRelay's {@link CandidateSource}s, asked in rounds: every source at once, and no new round
 * until each has answered. A round that brought nothing new marks the sources exhausted, so that
 * AutoRelay, short of relays, does not ask again and again for nothing; a lost relay, the periodic
 * check or a source's news clears the mark.
 *
 * <p>The list of sources is thread-safe; the rest is guarded by AutoRelay's lock.
 */
final class CandidateSources {
  private static final Logger log = LoggerFactory.getLogger(CandidateSources.class);

  private final List<CandidateSource> sources = new CopyOnWriteArrayList<>();
  private final Executor answers;
  private int unanswered;
  private boolean exhausted;

  /**
   * No sources yet.
   *
   * @param answers where the answers are handed to AutoRelay (its event loop)
   */
  CandidateSources(Executor answers) {
    this.answers = answers;
  }

  /**
   * Adds a source; it is asked from the next round on.
   *
   * @param source the source
   */
  void add(CandidateSource source) {
    sources.add(source);
  }

  /**
   * Lets every source tell AutoRelay when it learns of new candidates.
   *
   * @param news what a source calls then
   */
  void watchAll(Runnable news) {
    for (CandidateSource s : sources) {
      s.watch(news);
    }
  }

  /**
   * Starts a round, unless one is under way or there is no source: each source is asked for
   * {@code wanted} candidates, and its answer (or failure) goes to {@code answer} on the answers
   * executor. AutoRelay calls {@link #answered()} first thing in {@code answer}.
   *
   * @param wanted how many candidates to ask each source for
   * @param answer called with each answer
   */
  void ask(int wanted, BiConsumer<List<Multiaddr>, Throwable> answer) {
    if (sources.isEmpty() || unanswered > 0) {
      return;
    }
    unanswered = sources.size();
    for (CandidateSource s : sources) {
      CompletableFuture<List<Multiaddr>> f;
      try {
        f = s.findCandidates(wanted);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenCompleteAsync(answer, answers);
    }
  }

  /** Counts one answer of the round under way. */
  void answered() {
    unanswered--;
  }

  /** {@return whether a round is under way} */
  boolean asking() {
    return unanswered > 0;
  }

  /**
   * Ends a round: the sources are exhausted if its last answer brought nothing new.
   *
   * @param broughtNew whether the last answer added a candidate
   */
  void roundEnded(boolean broughtNew) {
    exhausted = !broughtNew;
  }

  /** {@return whether the last round brought nothing new (and nothing cleared that since)} */
  boolean exhausted() {
    return exhausted;
  }

  /** Clears the exhausted mark: something changed, so asking again may bring candidates. */
  void mayHaveMore() {
    exhausted = false;
  }

  /** Closes every source (AutoRelay stopped); a source that throws is logged and skipped. */
  void closeAll() {
    for (CandidateSource s : sources) {
      try {
        s.close();
      } catch (RuntimeException e) {
        log.warn("candidate source threw on close", e);
      }
    }
  }
}
