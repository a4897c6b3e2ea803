package io.peerlink.relay;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.holepunch.HolePuncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** {@link Manager#dialWithPriority}'s stages: direct, then hole punch, then relay. */
final class PriorityDialer {
  private final Listener listener;
  private final Connector connector;
  private final RelayService relay;
  private final HolePuncher puncher; // null: no hole punching
  private final Duration punchTimeout;
  private final List<Consumer<DialStage>> stageListeners;

  PriorityDialer(Listener listener, Connector connector, RelayService relay, HolePuncher puncher,
      Duration punchTimeout, List<Consumer<DialStage>> stageListeners) {
    this.listener = listener;
    this.connector = connector;
    this.relay = relay;
    this.puncher = puncher;
    this.punchTimeout = punchTimeout;
    this.stageListeners = new CopyOnWriteArrayList<>(stageListeners);
    if (puncher != null) {
      listener.host().addConnectionListener(this::onConnection);
    }
  }

  /** Dials that ended relayed while hole punching was on: a later punch upgrades them. */
  private final java.util.Map<PeerId, Run> awaitingUpgrade = new java.util.concurrent.ConcurrentHashMap<>();

  private void awaitUpgrade(Run run, Peer relayed) {
    awaitingUpgrade.put(run.target, run);
    relayed.closeFuture().whenComplete((v, e) -> awaitingUpgrade.remove(run.target, run));
  }

  /**
   * A direct connection to a peer whose dial returned the relayed one: a punch (B keeps trying
   * after our punch stage timed out) or a reversal won later. Tells the stage listeners
   * ({@code holepunch upgraded}); the next {@code dialWithPriority} returns it ("existing").
   */
  private void onConnection(Peer p) {
    if (p.path() == ConnectionPath.RELAYED || !p.isOpen()) {
      return;
    }
    Run run = awaitingUpgrade.remove(p.peerId());
    if (run != null) {
      run.record("holepunch", "upgraded", run.elapsed(), null);
    }
  }

  void addStageListener(Consumer<DialStage> l) {
    stageListeners.add(l);
  }

  /** One dial's running record. */
  private final class Run {
    final PeerId target;
    final List<DialStage> stages = new ArrayList<>();
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

    synchronized void record(String stage, String outcome, Duration took, Throwable err) {
      DialStage s = new DialStage(target, stage, outcome, took, err == null ? null : message(err));
      stages.add(s);
      for (Consumer<DialStage> l : stageListeners) {
        try {
          l.accept(s);
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(PriorityDialer.class).warn("dial stage listener threw", e);
        }
      }
    }

    synchronized DialReport report(Peer p) {
      return new DialReport(p, p.path(), stages);
    }

    synchronized PeerException failure() {
      StringBuilder sb = new StringBuilder("could not reach " + target + ": ");
      for (int i = 0; i < stages.size(); i++) {
        DialStage s = stages.get(i);
        sb.append(i == 0 ? "" : "; ").append(s.stage()).append(' ').append(s.outcome());
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

  CompletableFuture<DialReport> dial(PeerId target, List<Multiaddr> directAddrs) {
    Run run = new Run(target);
    Peer relayedOpen = null;
    Peer directOpen = null;
    for (Peer p : listener.peers()) {
      if (p.peerId().equals(target) && p.isOpen()) {
        if (p.path() == ConnectionPath.RELAYED) {
          relayedOpen = p;
        } else if (directOpen == null || (p.direction() == io.peerlink.core.Direction.OUTBOUND
            && directOpen.direction() != io.peerlink.core.Direction.OUTBOUND)) {
          // A punch can leave two direct connections (ours and the remote's dial that reached our
          // listener); prefer the one we dialed, so every caller gets the same connection.
          directOpen = p;
        }
      }
    }
    if (directOpen != null) {
      run.record("existing", "ok", Duration.ZERO, null);
      return CompletableFuture.completedFuture(run.report(directOpen));
    }
    List<Multiaddr> direct = new ArrayList<>();
    for (Multiaddr a : directAddrs) {
      if (!a.isRelayed()) {
        direct.add(a.withPeerId(target));
      }
    }
    if (relayedOpen != null && direct.isEmpty()) {
      run.record("existing", "ok", Duration.ZERO, null);
      return CompletableFuture.completedFuture(run.report(relayedOpen));
    }
    run.begin();
    CompletableFuture<Peer> directStage = direct.isEmpty()
        ? CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT, "no direct address known"))
        : tryDirect(direct, 0, null);
    return directStage.handle((p, err) -> {
      if (err == null) {
        run.record("direct", "ok", run.elapsed(), null);
        return CompletableFuture.completedFuture(run.report(p));
      }
      run.record("direct", direct.isEmpty() ? "skipped" : "failed", run.elapsed(), err);
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
        run.record("holepunch", "skipped", Duration.ZERO, none);
      }
      run.record("relay", "skipped", Duration.ZERO, none);
      return CompletableFuture.failedFuture(run.failure());
    }
    // The punch needs the relayed connection for its signalling: wait for B's punch from the
    // moment we open it (B starts as soon as it has it).
    CompletableFuture<Peer> punched = puncher == null ? null : puncher.awaitPunch(run.target, punchTimeout);
    run.begin();
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
          run.record("holepunch", "failed", relayTook,
              new PeerException(PeerError.CONNECT, "no relayed connection to signal over: " + message(err)));
        }
        run.record("relay", "failed", relayTook, err);
        return CompletableFuture.<DialReport>failedFuture(run.failure());
      }
      if (punched == null) {
        run.record("relay", "ok", relayTook, null);
        return CompletableFuture.completedFuture(run.report(rp));
      }
      long punchStart = System.nanoTime();
      return puncher.hasPublicAddress().thenCompose(reachable -> {
        if (!reachable) {
          punched.cancel(false);
          run.record("holepunch", "skipped", Duration.ofNanos(System.nanoTime() - punchStart),
              new PeerException(PeerError.CONNECT, "no public address of ours is known to punch to"));
          run.record("relay", "ok", relayTook, null);
          awaitUpgrade(run, rp);
          return CompletableFuture.completedFuture(run.report(rp));
        }
        return punched.handle((direct, perr) -> {
        Duration punchTook = Duration.ofNanos(System.nanoTime() - punchStart);
        if (perr == null) {
          run.record("holepunch", "ok", punchTook, null);
          run.record("relay", "kept", relayTook, null);
          return run.report(direct);
        }
        run.record("holepunch", "failed", punchTook, perr);
        run.record("relay", "ok", relayTook, null);
        awaitUpgrade(run, rp);
        return run.report(rp);
        });
      });
    }).thenCompose(f -> f);
  }
}
