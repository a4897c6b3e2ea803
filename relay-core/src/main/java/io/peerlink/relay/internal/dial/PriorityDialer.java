package io.peerlink.relay.internal.dial;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.DialStage;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.DialAttempt;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.DialConfig;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.Manager;
import io.peerlink.relay.internal.HostTimer;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.internal.holepunch.HolePuncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link Manager#dialWithPriority}'s stages as happy eyeballs over every path. The direct
 * addresses are raced at once ({@link Host#dialRound}: staggered, a short connect timeout each, no
 * retry round); the relay stage starts {@link DialConfig#relayDelay()} later, or at once when
 * there is no direct address or the direct stage failed, over every relay known to reach the peer
 * ({@link RelayRoutes}); a hole punch is awaited beside the relayed connection. The dial returns
 * the first connection that reaches the peer; the stages still running go on, and a better
 * connection they make later joins the peer's handle by itself (and shows as events).
 */
public final class PriorityDialer {
  private final Host host;
  private final RelayClient client;
  private final RelayRoutes routes;
  private final HolePuncher puncher; // null: no hole punching
  private final Duration punchTimeout;
  private final DialConfig config;
  private final HostTimer timer;

  /**
   * @param host the host
   * @param client the relay client relayed dials go through
   * @param routes the relays known to reach a peer
   * @param puncher hole punching, or null when it is off
   * @param punchTimeout how long the background punch beside a relayed connection is awaited
   * @param config the stages' delays and timeouts
   */
  public PriorityDialer(Host host, RelayClient client, RelayRoutes routes, HolePuncher puncher,
      Duration punchTimeout, DialConfig config) {
    this.host = host;
    this.client = client;
    this.routes = routes;
    this.puncher = puncher;
    this.punchTimeout = punchTimeout;
    this.config = config;
    this.timer = HostTimer.of(host);
  }

  static String message(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }

  /**
   * Reaches {@code target}: an open direct connection, else the first of a direct dial and a
   * relayed one (a punch going on beside it).
   *
   * @param target the peer
   * @param addrs its addresses: direct ones and {@code /p2p-circuit} ones, in any order
   * @return the report, complete when the first usable connection is up
   */
  public CompletableFuture<DialReport> dial(PeerId target, List<Multiaddr> addrs) {
    DialRun run = new DialRun(host, target);
    Peer relayedOpen = null;
    Peer directOpen = null;
    for (Peer p : host.connections()) {
      if (p.peerId().equals(target) && p.isOpen()) {
        if (p.path() == ConnectionPath.RELAYED) {
          relayedOpen = relayedOpen == null || p.direction() == Direction.OUTBOUND ? p : relayedOpen;
        } else if (directOpen == null || (p.direction() == Direction.OUTBOUND
            && directOpen.direction() != Direction.OUTBOUND)) {
          // A punch can leave two direct connections (ours and the remote's dial that reached our
          // listener); prefer the one we dialed, so every caller gets the same connection.
          directOpen = p;
        }
      }
    }
    if (directOpen != null) {
      return CompletableFuture.completedFuture(run.existing(DialStage.DIRECT, directOpen));
    }
    List<Multiaddr> direct = new ArrayList<>();
    List<Multiaddr> circuits = new ArrayList<>();
    for (Multiaddr a : addrs) {
      if (a.isRelayed()) {
        circuits.add(a);
      } else if (a.withoutPeerId().toTransportSocketAddress().isPresent()
          && a.peerId().map(target::equals).orElse(true)) {
        direct.add(a.withPeerId(target));
      }
    }
    if (relayedOpen != null && direct.isEmpty()) {
      return CompletableFuture.completedFuture(run.existing(DialStage.RELAY, relayedOpen));
    }
    if (direct.isEmpty()) {
      run.expect(); // the relay stage, at once
      run.skipped(DialStage.DIRECT, "no direct address known");
      startRelay(run, circuits, true);
      return run.result;
    }
    run.expect(); // the relay stage, after its delay
    run.start(DialStage.DIRECT, false);
    DialAttempt round = host.dialRound(target, direct, config.addressStagger(), config.tcpDelays(),
        config.directConnectTimeout());
    ScheduledFuture<?> relayLater = timer.after(config.relayDelay(), () -> startRelay(run, circuits, true));
    round.result().whenComplete((p, err) -> {
      if (err != null) {
        run.failed(DialStage.DIRECT, err);
        if (relayLater.cancel(false)) {
          startRelay(run, circuits, true); // no reason to wait out the delay
        }
        return;
      }
      if (relayLater.cancel(false)) {
        run.withdraw(); // direct won in time: the relay stage never starts
      }
      run.reached(DialStage.DIRECT, p);
    });
    return run.result;
  }

  private void startRelay(DialRun run, List<Multiaddr> circuits, boolean expected) {
    PeerId target = run.target;
    if (run.result.isDone()) {
      if (expected) {
        run.withdraw();
      }
      return;
    }
    List<Multiaddr> relays = routes.of(target, circuits);
    if (relays.isEmpty()) {
      if (expected) {
        run.withdraw();
      }
      run.skipped(DialStage.RELAY, "no relay set or known for " + target
          + " (setRelayAddr, a /p2p-circuit address, or AutoRelay)");
      return;
    }
    // The punch needs the relayed connection for its signalling: wait for the remote's punch from
    // the moment we open it (the remote starts as soon as it has it).
    CompletableFuture<Peer> punched = puncher == null ? null : puncher.awaitPunch(target, punchTimeout);
    run.start(DialStage.RELAY, expected);
    if (punched != null) {
      run.start(DialStage.HOLE_PUNCH, false);
    }
    new RelayRace(target, relays, config.relayStagger(), timer.executor(), r -> client.dial(r, target))
        .start().whenComplete((rp, err) -> {
          if (err != null) {
            if (punched != null) {
              punched.cancel(false);
              run.failed(DialStage.HOLE_PUNCH,
                  new PeerException(PeerError.CONNECT, "no relayed connection to signal over"));
            }
            run.failed(DialStage.RELAY, err);
            return;
          }
          if (run.reached(DialStage.RELAY, rp) && punched != null) {
            // A direct connection won first: no punch is needed any more.
            punched.cancel(false);
            run.failed(DialStage.HOLE_PUNCH, new PeerException(PeerError.CONNECT, "a direct connection won"));
            return;
          }
          if (punched != null) {
            awaitPunch(run, punched);
          }
        });
  }

  private void awaitPunch(DialRun run, CompletableFuture<Peer> punched) {
    puncher.hasPublicAddress().whenComplete((reachable, e) -> {
      if (e != null || !reachable) {
        punched.cancel(false);
        run.failed(DialStage.HOLE_PUNCH,
            new PeerException(PeerError.CONNECT, "no public address of ours is known to punch to"));
        return;
      }
      punched.whenComplete((direct, perr) -> {
        if (perr != null) {
          run.failed(DialStage.HOLE_PUNCH, perr);
        } else {
          run.reached(DialStage.HOLE_PUNCH, direct);
        }
      });
    });
  }
}
