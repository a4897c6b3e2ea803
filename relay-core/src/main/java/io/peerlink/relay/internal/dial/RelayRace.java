package io.peerlink.relay.internal.dial;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The relay stage's race: the known relays in order, the next one started when the previous has
 * had {@code stagger} to bring the circuit up or at once when it failed (a relay where the peer
 * holds no reservation answers NO_RESERVATION quickly). The first relayed connection wins; a
 * circuit that comes up after it stays open as a spare path. Thread-safe.
 */
final class RelayRace {
  private final PeerId target;
  private final List<Multiaddr> relays;
  private final Duration stagger;
  private final EventExecutor timer;
  private final Function<Multiaddr, CompletableFuture<Peer>> dial;
  private final CompletableFuture<Peer> outcome = new CompletableFuture<>();
  private final List<String> errors = new ArrayList<>(); // guarded by this
  private int next; // guarded by this
  private int running; // guarded by this
  private ScheduledFuture<?> staggerTimer; // guarded by this

  RelayRace(PeerId target, List<Multiaddr> relays, Duration stagger, EventExecutor timer,
      Function<Multiaddr, CompletableFuture<Peer>> dial) {
    this.target = target;
    this.relays = relays;
    this.stagger = stagger;
    this.timer = timer;
    this.dial = dial;
  }

  CompletableFuture<Peer> start() {
    launchNext();
    return outcome;
  }

  private void launchNext() {
    Multiaddr relay;
    synchronized (this) {
      if (outcome.isDone() || next >= relays.size()) {
        return;
      }
      relay = relays.get(next++);
      running++;
      if (staggerTimer != null) {
        staggerTimer.cancel(false);
      }
      if (next < relays.size()) {
        staggerTimer = timer.schedule(this::launchNext, stagger.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    CompletableFuture<Peer> attempt;
    try {
      attempt = dial.apply(relay);
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    attempt.whenComplete((p, err) -> {
      if (err == null) {
        synchronized (this) {
          if (staggerTimer != null) {
            staggerTimer.cancel(false);
          }
        }
        outcome.complete(p);
      } else {
        lost(relay, err);
      }
    });
  }

  private void lost(Multiaddr relay, Throwable err) {
    boolean over;
    synchronized (this) {
      errors.add("via " + relay + ": " + PriorityDialer.message(err));
      running--;
      over = running == 0 && next >= relays.size();
    }
    if (over) {
      outcome.completeExceptionally(new PeerException(PeerError.CONNECT, summary()));
    } else {
      launchNext(); // a failure does not wait for the stagger
    }
  }

  private synchronized String summary() {
    return errors.size() == 1 ? errors.get(0)
        : "no relay reached " + target + " (" + String.join("; ", errors) + ")";
  }
}
