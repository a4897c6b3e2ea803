package io.peerlink.core.internal.host;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.DialPolicy;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.TokenBucket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Dials peers by ID over one or more addresses. Each round resolves the addresses off the event
 * loops ({@link DialResolver}), ranks them ({@link DialRanker}) and races them ({@link DialRace});
 * a failed round is tried again as {@link DialRetry} decides. Attempts are held to the
 * {@link DialPolicy}'s rate, and concurrent dials to one peer share one dial.
 */
public final class Dialer {
  private final HostCore core;
  private final DialPolicy policy;
  private final DialRetry retry;
  private final TokenBucket rate;
  private final Map<PeerId, SharedDial> inFlight = new ConcurrentHashMap<>();

  public Dialer(HostCore core, DialPolicy policy, RandomGenerator random) {
    this.core = core;
    this.policy = policy;
    this.retry = new DialRetry(policy, random);
    this.rate = new TokenBucket(policy.dialsPerSecond(), policy.dialBurst(), System::nanoTime);
  }

  public DialPolicy policy() {
    return policy;
  }

  /**
   * Dials {@code peer} at {@code addrs} (each a TCP or QUIC multiaddr, with or without {@code /p2p}), or
   * joins the dial to it already under way. Cancelling the returned future leaves the dial; the
   * dial itself stops when every caller has left.
   */
  public CompletableFuture<Peer> dial(PeerId peer, List<Multiaddr> addrs) {
    if (addrs.isEmpty()) {
      throw new IllegalArgumentException("no address to dial " + peer + " at");
    }
    for (Multiaddr a : addrs) {
      a.peerId().filter(id -> !id.equals(peer)).ifPresent(id -> {
        throw new IllegalArgumentException(a + " names peer " + id + ", not " + peer);
      });
      if (TransportAddress.socket(a).isEmpty()) {
        throw new IllegalArgumentException(TransportAddress.notDialable(a));
      }
    }
    while (true) {
      SharedDial shared = inFlight.computeIfAbsent(peer, p -> new SharedDial(p, List.copyOf(addrs)));
      CompletableFuture<Peer> mine = shared.join();
      if (mine != null) {
        shared.startOnce();
        return mine;
      }
      inFlight.remove(peer, shared); // finished while we looked: start a fresh one
    }
  }

  /** Whether a dial to {@code peer} is under way. */
  public boolean dialing(PeerId peer) {
    return inFlight.containsKey(peer);
  }

  /** One dial to one peer, shared by every caller that asked for it while it ran. */
  private final class SharedDial {
    private final PeerId peer;
    private final List<Multiaddr> addrs;
    private final CompletableFuture<Peer> result = new CompletableFuture<>();
    private int callers;
    private boolean started;
    private boolean cancelled;
    private DialRace race; // guarded by this
    private ScheduledFuture<?> retryTimer; // guarded by this

    SharedDial(PeerId peer, List<Multiaddr> addrs) {
      this.peer = peer;
      this.addrs = addrs;
      result.whenComplete((p, e) -> inFlight.remove(peer, this));
    }

    /** A future for one more caller, or null if this dial already ended. */
    synchronized CompletableFuture<Peer> join() {
      if (result.isDone() || cancelled) {
        return null;
      }
      callers++;
      CompletableFuture<Peer> mine = new CompletableFuture<>();
      result.whenComplete((p, e) -> {
        if (e != null) {
          mine.completeExceptionally(e instanceof CompletionException && e.getCause() != null
              ? e.getCause() : e);
        } else {
          mine.complete(p);
        }
      });
      mine.whenComplete((p, e) -> {
        if (mine.isCancelled()) {
          leave();
        }
      });
      return mine;
    }

    private void leave() {
      DialRace r;
      synchronized (this) {
        if (--callers > 0 || result.isDone()) {
          return;
        }
        cancelled = true;
        r = race;
        if (retryTimer != null) {
          retryTimer.cancel(false);
        }
      }
      if (r != null) {
        r.cancel();
      }
      result.completeExceptionally(new CancellationException("dial to " + peer + " cancelled"));
    }

    synchronized void startOnce() {
      if (!started) {
        started = true;
        long begun = System.nanoTime();
        core.events().emit(l -> l.dialStart(peer, addrs));
        result.whenComplete((p, e) -> {
          Duration took = Duration.ofNanos(System.nanoTime() - begun);
          if (e == null) {
            core.events().emit(l -> l.dialEnd(peer, p, took));
          } else {
            PeerException pe = PeerException.wrap(e, PeerError.CONNECT);
            core.events().emit(l -> l.dialFailed(peer, pe, took));
          }
        });
        attempt(1);
      }
    }

    private void attempt(int n) {
      CompletableFuture.supplyAsync(() -> {
        try {
          return DialRanker.rank(DialResolver.resolveAll(addrs));
        } catch (PeerException e) {
          throw new CompletionException(e);
        }
      }, core.resolverExecutor()).whenComplete((targets, err) -> {
        if (err != null) {
          roundFailed(n, PeerException.wrap(err, PeerError.CONNECT));
          return;
        }
        DialRace r;
        synchronized (this) {
          if (cancelled) {
            return;
          }
          List<Duration> gaps = DialRanker.gaps(targets, policy.addressStagger(), policy.tcpDelays());
          r = new DialRace(peer, targets, gaps, rate::reserve, core.eventLoops(),
              t -> core.dial(peer, t.socket(), t.addr()));
          race = r;
        }
        r.start().whenComplete((p, e) -> {
          if (e != null) {
            roundFailed(n, PeerException.wrap(e, PeerError.CONNECT));
          } else if (!result.complete(p)) {
            p.close(); // the dial was cancelled meanwhile
          }
        });
      });
    }

    private void roundFailed(int n, PeerException error) {
      List<Multiaddr> tried = addrs;
      Duration wait = retry.after(n, error);
      core.events().emit(l -> l.dialAttemptFailed(peer, n, tried, error, wait));
      if (wait == null) {
        result.completeExceptionally(error);
        return;
      }
      synchronized (this) {
        if (cancelled) {
          return;
        }
        retryTimer = core.eventLoops().next().schedule(() -> attempt(n + 1), wait.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
  }
}
