package io.peerlink.relay.internal.dial;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.Direction;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.DialStage;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.DialReport.Outcome;
import io.peerlink.relay.Manager;
import io.peerlink.relay.internal.client.RelayService;
import io.peerlink.relay.internal.holepunch.HolePuncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link Manager#dialWithPriority}'s stages: direct, then hole punch, then relay, each reported as
 * events. A dial's {@link DialReport} is final when the dial returns: a punch that wins later (B
 * keeps trying after our punch stage timed out, or a reversal) is not added to it; it shows as the
 * {@code holePunchEnd} and {@code connectionOpened} events, and the next dial finds the direct
 * connection open and returns it.
 */
public final class PriorityDialer {
  private final Listener listener;
  private final Connector connector;
  private final RelayService relay;
  private final HolePuncher puncher; // null: no hole punching
  private final Duration punchTimeout;
  private final Host host;

  /**
   * @param listener the host's listener (its connections)
   * @param connector dials direct addresses
   * @param relay the relay service dialed through
   * @param puncher hole punching, or null when it is off
   * @param punchTimeout how long a dial waits for a punch beside the relayed connection
   */
  public PriorityDialer(Listener listener, Connector connector, RelayService relay, HolePuncher puncher,
      Duration punchTimeout) {
    this.listener = listener;
    this.connector = connector;
    this.relay = relay;
    this.puncher = puncher;
    this.punchTimeout = punchTimeout;
    this.host = Host.of(listener);
  }

  /** One dial's running record. */
  private final class Run {
    final PeerId target;
    final List<DialReport.Stage> stages = new ArrayList<>();
    long started;

    Run(PeerId target) {
      this.target = target;
    }

    void begin() {
      started = System.nanoTime();
    }

    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - started);
    }

    void start(DialStage stage) {
      host.emit(l -> l.dialStageStart(target, stage));
    }

    synchronized void record(DialStage stage, Outcome outcome, Duration took, Throwable err) {
      stages.add(new DialReport.Stage(stage, outcome, took, err == null ? null : message(err)));
      if (outcome == Outcome.FAILED || outcome == Outcome.SKIPPED) {
        PeerException pe = PeerException.wrap(err, PeerError.CONNECT);
        host.emit(l -> l.dialStageFailed(target, stage, pe, took));
      }
    }

    synchronized void reached(DialStage stage, Peer p, Duration took) {
      stages.add(new DialReport.Stage(stage, Outcome.OK, took, null));
      host.emit(l -> l.dialStageEnd(target, stage, p, took));
    }

    synchronized DialReport report(Peer p) {
      return new DialReport(p, p.path(), stages);
    }

    synchronized PeerException failure() {
      StringBuilder sb = new StringBuilder("could not reach " + target + ": ");
      for (int i = 0; i < stages.size(); i++) {
        DialReport.Stage s = stages.get(i);
        sb.append(i == 0 ? "" : "; ").append(s.stage().label()).append(' ')
            .append(s.outcome().name().toLowerCase(Locale.ROOT));
        if (s.error() != null) {
          sb.append(" (").append(s.error()).append(')');
        }
      }
      return new PeerException(PeerError.CONNECT, sb.toString());
    }
  }

  static String message(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }

  /**
   * Reaches {@code target}: an open connection, else direct, else a punch over a relayed
   * connection, else the relayed connection.
   *
   * @param target the peer
   * @param directAddrs its direct addresses, tried in order
   * @return the report
   */
  public CompletableFuture<DialReport> dial(PeerId target, List<Multiaddr> directAddrs) {
    Run run = new Run(target);
    Peer relayedOpen = null;
    Peer directOpen = null;
    for (Peer p : listener.peers()) {
      if (p.peerId().equals(target) && p.isOpen()) {
        if (p.path() == ConnectionPath.RELAYED) {
          relayedOpen = p;
        } else if (directOpen == null || (p.direction() == Direction.OUTBOUND
            && directOpen.direction() != Direction.OUTBOUND)) {
          // A punch can leave two direct connections (ours and the remote's dial that reached our
          // listener); prefer the one we dialed, so every caller gets the same connection.
          directOpen = p;
        }
      }
    }
    if (directOpen != null) {
      run.record(DialStage.DIRECT, Outcome.EXISTING, Duration.ZERO, null);
      return CompletableFuture.completedFuture(run.report(directOpen));
    }
    List<Multiaddr> direct = new ArrayList<>();
    for (Multiaddr a : directAddrs) {
      if (!a.isRelayed()) {
        direct.add(a.withPeerId(target));
      }
    }
    if (relayedOpen != null && direct.isEmpty()) {
      run.record(DialStage.RELAY, Outcome.EXISTING, Duration.ZERO, null);
      return CompletableFuture.completedFuture(run.report(relayedOpen));
    }
    run.begin();
    if (!direct.isEmpty()) {
      run.start(DialStage.DIRECT);
    }
    CompletableFuture<Peer> directStage = direct.isEmpty()
        ? CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT, "no direct address known"))
        : tryDirect(direct, 0, null);
    return directStage.handle((p, err) -> {
      if (err == null) {
        run.reached(DialStage.DIRECT, p, run.elapsed());
        return CompletableFuture.completedFuture(run.report(p));
      }
      run.record(DialStage.DIRECT, direct.isEmpty() ? Outcome.SKIPPED : Outcome.FAILED, run.elapsed(), err);
      return punchThenRelay(run);
    }).thenCompose(f -> f);
  }

  private CompletableFuture<Peer> tryDirect(List<Multiaddr> direct, int i, Throwable last) {
    if (i >= direct.size()) {
      return CompletableFuture.failedFuture(last);
    }
    CompletableFuture<Peer> attempt;
    try {
      attempt = connector.connect(direct.get(i));
    } catch (IllegalArgumentException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    return attempt.exceptionallyCompose(err -> tryDirect(direct, i + 1, err));
  }

  private CompletableFuture<DialReport> punchThenRelay(Run run) {
    if (relay.relay().isEmpty()) {
      PeerException none = new PeerException(PeerError.CONNECT, "no relay set");
      if (puncher != null) {
        run.record(DialStage.HOLE_PUNCH, Outcome.SKIPPED, Duration.ZERO, none);
      }
      run.record(DialStage.RELAY, Outcome.SKIPPED, Duration.ZERO, none);
      return CompletableFuture.failedFuture(run.failure());
    }
    // The punch needs the relayed connection for its signalling: wait for B's punch from the
    // moment we open it (B starts as soon as it has it).
    CompletableFuture<Peer> punched = puncher == null ? null : puncher.awaitPunch(run.target, punchTimeout);
    run.begin();
    run.start(DialStage.RELAY);
    if (punched != null) {
      run.start(DialStage.HOLE_PUNCH);
    }
    CompletableFuture<Peer> relayed;
    try {
      relayed = relay.dialViaRelay(run.target);
    } catch (IllegalStateException e) {
      relayed = CompletableFuture.failedFuture(e);
    }
    return relayed.handle((rp, err) -> {
      Duration relayTook = run.elapsed();
      if (err != null) {
        if (punched != null) {
          punched.cancel(false);
          run.record(DialStage.HOLE_PUNCH, Outcome.FAILED, relayTook,
              new PeerException(PeerError.CONNECT, "no relayed connection to signal over: " + message(err)));
        }
        run.record(DialStage.RELAY, Outcome.FAILED, relayTook, err);
        return CompletableFuture.<DialReport>failedFuture(run.failure());
      }
      if (punched == null) {
        run.reached(DialStage.RELAY, rp, relayTook);
        return CompletableFuture.completedFuture(run.report(rp));
      }
      long punchStart = System.nanoTime();
      return puncher.hasPublicAddress().thenCompose(reachable -> {
        if (!reachable) {
          punched.cancel(false);
          run.record(DialStage.HOLE_PUNCH, Outcome.SKIPPED, Duration.ofNanos(System.nanoTime() - punchStart),
              new PeerException(PeerError.CONNECT, "no public address of ours is known to punch to"));
          run.reached(DialStage.RELAY, rp, relayTook);
          return CompletableFuture.completedFuture(run.report(rp));
        }
        return punched.handle((direct, perr) -> {
        Duration punchTook = Duration.ofNanos(System.nanoTime() - punchStart);
        if (perr == null) {
          run.reached(DialStage.HOLE_PUNCH, direct, punchTook);
          run.record(DialStage.RELAY, Outcome.KEPT, relayTook, null);
          return run.report(direct);
        }
        run.record(DialStage.HOLE_PUNCH, Outcome.FAILED, punchTook, perr);
        run.reached(DialStage.RELAY, rp, relayTook);
        return run.report(rp);
        });
      });
    }).thenCompose(f -> f);
  }
}
