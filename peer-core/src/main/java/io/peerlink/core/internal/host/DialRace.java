package io.peerlink.core.internal.host;

import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.DialAttempt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One round of dialing a peer over its ranked addresses, happy-eyeballs style (RFC 8305): the
 * next address starts when the previous has had its gap ({@link DialRanker#gaps}) to answer, or at
 * once when an attempt fails; the first connection wins and the attempts still running are
 * cancelled. Every start also waits what the dial rate limit asks. Thread-safe.
 */
final class DialRace {
  private final PeerId peer;
  private final List<DialTarget> targets;
  private final List<Duration> gaps;
  private final LongSupplier rateWait;
  private final EventExecutorGroup timers;
  private final Function<DialTarget, DialAttempt> dial;
  private final CompletableFuture<Peer> outcome = new CompletableFuture<>();
  private final List<DialAttempt> live = new ArrayList<>();
  private final List<PeerException> errors = new ArrayList<>();
  private int next;
  private int running;
  private boolean done;
  private ScheduledFuture<?> staggerTimer;

  /**
   * A race to {@code peer} over {@code targets}, in that order, each started {@code gaps.get(i)}
   * after the one before it. {@code rateWait} reserves a start and returns the nanoseconds to wait
   * for it (0: now); {@code timers} runs the delayed starts; {@code dial} starts one attempt.
   */
  DialRace(PeerId peer, List<DialTarget> targets, List<Duration> gaps, LongSupplier rateWait,
      EventExecutorGroup timers, Function<DialTarget, DialAttempt> dial) {
    if (gaps.size() != targets.size()) {
      throw new IllegalArgumentException(gaps.size() + " gaps for " + targets.size() + " targets");
    }
    this.peer = peer;
    this.targets = targets;
    this.gaps = List.copyOf(gaps);
    this.rateWait = rateWait;
    this.timers = timers;
    this.dial = dial;
  }

  /** A race whose addresses all start {@code stagger} apart. */
  DialRace(PeerId peer, List<DialTarget> targets, Duration stagger, LongSupplier rateWait,
      EventExecutorGroup timers, Function<DialTarget, DialAttempt> dial) {
    this(peer, targets, Collections.nCopies(targets.size(), stagger), rateWait, timers, dial);
  }

  /**
   * Starts the race. The future completes with the winner, or with one {@link PeerException} for
   * the round once every address failed; after {@link #cancel()} it never completes.
   */
  CompletableFuture<Peer> start() {
    launchNext();
    return outcome;
  }

  private void launchNext() {
    DialTarget t;
    long wait;
    synchronized (this) {
      if (done || next >= targets.size()) {
        return;
      }
      t = targets.get(next++);
      running++;
      wait = rateWait.getAsLong();
      if (staggerTimer != null) {
        staggerTimer.cancel(false);
      }
      if (next < targets.size()) {
        long gap = gaps.get(next).toNanos();
        staggerTimer = timers.next().schedule(this::launchNext, wait + gap, TimeUnit.NANOSECONDS);
      }
    }
    if (wait == 0) {
      launch(t);
    } else {
      timers.next().schedule(() -> launch(t), wait, TimeUnit.NANOSECONDS);
    }
  }

  private void launch(DialTarget t) {
    DialAttempt a;
    synchronized (this) {
      if (done) {
        running--;
        return;
      }
      a = dial.apply(t);
      live.add(a);
    }
    a.result().whenComplete((p, e) -> {
      if (e == null) {
        won(a, p);
      } else {
        lost(PeerException.wrap(e, PeerError.CONNECT));
      }
    });
  }

  private void won(DialAttempt a, Peer p) {
    List<DialAttempt> others;
    synchronized (this) {
      if (done) {
        a.cancel().run(); // a later winner: close it
        return;
      }
      done = true;
      if (staggerTimer != null) {
        staggerTimer.cancel(false);
      }
      others = new ArrayList<>(live);
      others.remove(a);
    }
    others.forEach(o -> o.cancel().run());
    outcome.complete(p);
  }

  private void lost(PeerException e) {
    boolean roundOver;
    synchronized (this) {
      if (done) {
        return;
      }
      errors.add(e);
      running--;
      roundOver = running == 0 && next >= targets.size();
      if (roundOver) {
        done = true;
      }
    }
    if (roundOver) {
      outcome.completeExceptionally(summarize());
    } else {
      launchNext(); // a failure does not wait for the stagger
    }
  }

  /** Stops the race: no more starts, and the attempts under way are cancelled. */
  void cancel() {
    List<DialAttempt> all;
    synchronized (this) {
      done = true;
      if (staggerTimer != null) {
        staggerTimer.cancel(false);
      }
      all = new ArrayList<>(live);
    }
    all.forEach(o -> o.cancel().run());
  }

  /** One error for the round: the only one, else the most telling with the others listed. */
  private synchronized PeerException summarize() {
    if (errors.size() == 1) {
      return errors.get(0);
    }
    PeerException main = errors.stream().filter(x -> !DialRetry.retryable(x)).findFirst().orElse(errors.get(0));
    StringBuilder sb = new StringBuilder("could not connect to " + peer + " at any of its "
        + targets.size() + " addresses:");
    for (PeerException x : errors) {
      sb.append("\n  ").append(x.getMessage());
    }
    return main.kind() == PeerError.TIMEOUT
        ? new PeerTimeoutException(sb.toString(), main)
        : new PeerException(main.kind(), sb.toString(), main);
  }
}
