package io.peerlink.core.internal.host;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.identity.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Callers of one peer's handle waiting for a connection it does not have yet: any connection
 * while a reconnection is under way, or an unlimited one while only a limited relayed connection
 * is open (go-libp2p's {@code waitForDirectConn}). Each wait is bounded; when it runs out, the
 * caller gets the error its {@code onTimeout} makes. Thread-safe; the owner completes the futures
 * outside its own lock, since completing one runs the caller's next step.
 */
final class PathWaiters {

  /** One caller's wait. */
  static final class Waiter {
    private final boolean unlimited;
    private final CompletableFuture<PeerConnection> future = new CompletableFuture<>();
    private ScheduledFuture<?> timer;

    private Waiter(boolean unlimited) {
      this.unlimited = unlimited;
    }

    CompletableFuture<PeerConnection> future() {
      return future;
    }

    void complete(PeerConnection connection) {
      timer.cancel(false);
      future.complete(connection);
    }

    void fail(PeerException error) {
      timer.cancel(false);
      future.completeExceptionally(error);
    }
  }

  private final List<Waiter> waiters = new ArrayList<>();

  /**
   * The error of a stream that waited in vain for an unlimited connection to {@code peer}: it
   * says what to do, since the caller can fix it.
   */
  static LimitExceededException onlyLimited(PeerId peer, Object what, Duration waited) {
    return new LimitExceededException("the only connection to " + peer + " is a limited relayed one, and "
        + what + " may not run on limited connections; no direct connection came within " + waited
        + " (PeerConfig.waitForDirectConnection). Either allow the protocol on limited connections"
        + " (Manager.Builder.handlerOnLimitedConnections, Host.allowOnLimitedConnections) if the relay's"
        + " data and time limits suit it, or wait longer for hole punching to make a direct connection");
  }

  /** The error of a stream that waited in vain for any connection while a reconnection ran. */
  static PeerTimeoutException noConnection(PeerId peer, Duration waited) {
    return new PeerTimeoutException("no connection to " + peer + " came up within " + waited
        + " (PeerConfig.waitForDirectConnection) while reconnecting");
  }

  /**
   * Starts a wait for a connection ({@code unlimited}: an unlimited one) of at most
   * {@code maxWait}, timed on {@code timer}.
   */
  synchronized Waiter add(boolean unlimited, Duration maxWait, EventExecutor timer, Supplier<PeerException> onTimeout) {
    Waiter w = new Waiter(unlimited);
    waiters.add(w);
    w.timer = timer.schedule(() -> {
      synchronized (this) {
        waiters.remove(w);
      }
      w.future.completeExceptionally(onTimeout.get());
    }, maxWait.toNanos(), TimeUnit.NANOSECONDS);
    return w;
  }

  /** Removes and returns the waits that a connection of kind {@code rank} satisfies. */
  synchronized List<Waiter> satisfiedBy(int rank) {
    List<Waiter> done = new ArrayList<>();
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (!w.unlimited || rank < PathSelector.rank(true, false)) {
        it.remove();
        done.add(w);
      }
    }
    return done;
  }

  /** Removes and returns every wait (the handle closed). */
  synchronized List<Waiter> takeAll() {
    List<Waiter> all = new ArrayList<>(waiters);
    waiters.clear();
    return all;
  }
}
