package io.peerlink.relay.internal.dial;

import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.DialStage;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.DialReport.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One dial's running record: its stages in the order they started, each running or ended, with
 * the events for each move. The dial's future completes with the first stage that reaches the
 * peer; stages still running then show as {@link Outcome#RUNNING} in the report and end later in
 * events only. It fails once every stage that can still run has failed. Thread-safe.
 */
final class DialRun {
  private static final class StageState {
    final long startNanos = System.nanoTime();
    Outcome outcome; // null while running
    Duration took;
    String error;
  }

  final PeerId target;
  final CompletableFuture<DialReport> result = new CompletableFuture<>();
  private final Host host;
  private final Map<DialStage, StageState> stages = new LinkedHashMap<>(); // guarded by this
  private int pending; // stages announced but not yet started; guarded by this

  DialRun(Host host, PeerId target) {
    this.host = host;
    this.target = target;
  }

  /** A stage will start later (the relay stage after its delay): the dial cannot fail before it. */
  synchronized void expect() {
    pending++;
  }

  /** Starts {@code stage}; {@code expected}: it was announced with {@link #expect()}. */
  void start(DialStage stage, boolean expected) {
    synchronized (this) {
      if (expected) {
        pending--;
      }
      stages.put(stage, new StageState());
    }
    host.emit(l -> l.dialStageStart(target, stage));
  }

  /** An announced stage will not start (the dial already returned). */
  synchronized void withdraw() {
    pending--;
  }

  /** Records a stage that was not tried (no address, no relay). */
  void skipped(DialStage stage, String why) {
    PeerException e = new PeerException(PeerError.CONNECT, why);
    synchronized (this) {
      StageState s = new StageState();
      s.outcome = Outcome.SKIPPED;
      s.took = Duration.ZERO;
      s.error = why;
      stages.put(stage, s);
    }
    host.emit(l -> l.dialStageFailed(target, stage, e, Duration.ZERO));
    failIfOver();
  }

  /** Records the outcome of a stage that had already started (a record once only). */
  void failed(DialStage stage, Throwable err) {
    Duration took;
    synchronized (this) {
      StageState s = stages.get(stage);
      if (s == null || s.outcome != null) {
        return;
      }
      s.outcome = Outcome.FAILED;
      s.took = took = Duration.ofNanos(System.nanoTime() - s.startNanos);
      s.error = PriorityDialer.message(err);
    }
    PeerException pe = PeerException.wrap(err, PeerError.CONNECT);
    host.emit(l -> l.dialStageFailed(target, stage, pe, took));
    failIfOver();
  }

  /**
   * {@code stage} reached the peer with {@code p}. Returns true if the dial returned an earlier
   * stage's connection already (so {@code p} is a later, usually better, path).
   */
  boolean reached(DialStage stage, Peer p) {
    Duration took;
    DialReport report;
    synchronized (this) {
      StageState s = stages.get(stage);
      if (s == null || s.outcome != null) {
        return result.isDone();
      }
      s.outcome = Outcome.OK;
      s.took = took = Duration.ofNanos(System.nanoTime() - s.startNanos);
      report = result.isDone() ? null : report(p);
    }
    host.emit(l -> l.dialStageEnd(target, stage, p, took));
    if (report == null) {
      return true;
    }
    return !result.complete(report);
  }

  /** {@return whether {@code stage} started and is still under way} */
  synchronized boolean running(DialStage stage) {
    StageState s = stages.get(stage);
    return s != null && s.outcome == null;
  }

  /** {@return a report returning {@code p}, with an open connection found without dialing} */
  DialReport existing(DialStage stage, Peer p) {
    return new DialReport(p, p.path(), List.of(new DialReport.Stage(stage, Outcome.EXISTING, Duration.ZERO, null)));
  }

  private DialReport report(Peer p) {
    List<DialReport.Stage> out = new ArrayList<>();
    long now = System.nanoTime();
    stages.forEach((stage, s) -> out.add(s.outcome == null
        ? new DialReport.Stage(stage, Outcome.RUNNING, Duration.ofNanos(now - s.startNanos), null)
        : new DialReport.Stage(stage, s.outcome, s.took, s.error)));
    return new DialReport(p, p.path(), out);
  }

  private void failIfOver() {
    PeerException failure;
    synchronized (this) {
      if (result.isDone() || pending > 0) {
        return;
      }
      for (StageState s : stages.values()) {
        if (s.outcome == null || s.outcome == Outcome.OK) {
          return;
        }
      }
      StringBuilder sb = new StringBuilder("could not reach " + target + ": ");
      int i = 0;
      for (Map.Entry<DialStage, StageState> e : stages.entrySet()) {
        sb.append(i++ == 0 ? "" : "; ").append(e.getKey().label()).append(' ')
            .append(e.getValue().outcome.name().toLowerCase(Locale.ROOT));
        if (e.getValue().error != null) {
          sb.append(" (").append(e.getValue().error).append(')');
        }
      }
      failure = new PeerException(PeerError.CONNECT, sb.toString());
    }
    result.completeExceptionally(failure);
  }
}
