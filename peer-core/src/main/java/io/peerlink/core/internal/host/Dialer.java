package io.peerlink.core.internal.host;

import io.peerlink.core.DialPolicy;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Component;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;
import io.peerlink.core.spi.DialAttempt;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Dials peers by ID over one or more addresses: resolves {@code dns}/{@code dns4}/{@code dns6}
 * off the event loops, ranks the addresses, races them happy-eyeballs style (staggered, first
 * success wins, the rest cancelled), retries whole rounds with jittered exponential backoff, and
 * holds attempts to the {@link DialPolicy}'s rate. Concurrent dials to one peer share one dial.
 */
public final class Dialer {
  private final HostCore core;
  private final DialPolicy policy;
  private final RandomGenerator random;
  private final TokenBucket rate;
  private final Map<PeerId, SharedDial> inFlight = new ConcurrentHashMap<>();

  public Dialer(HostCore core, DialPolicy policy, RandomGenerator random) {
    this.core = core;
    this.policy = policy;
    this.random = random;
    this.rate = new TokenBucket(policy.dialsPerSecond(), policy.dialBurst(), System::nanoTime);
  }

  public DialPolicy policy() {
    return policy;
  }

  /**
   * Dials {@code peer} at {@code addrs} (each a TCP multiaddr, with or without {@code /p2p}), or
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
      if (a.withoutPeerId().toSocketAddress().isEmpty()) {
        throw new IllegalArgumentException(
            "not a dialable TCP address (need /ip4|/ip6|/dns4|/dns6|/dns …/tcp/<port>): " + a);
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

  private static boolean retryable(PeerException e) {
    return e.kind() == PeerError.CONNECT || e.kind() == PeerError.TIMEOUT || e.kind() == PeerError.IO;
  }

  /** One resolved address to try, and the multiaddr that names it in errors. */
  record Target(InetSocketAddress socket, Multiaddr addr) {}

  /**
   * Orders targets as go-libp2p's ranker and RFC 8305 do: loopback, then private, then public
   * addresses; within each, IPv6 and IPv4 alternate (IPv6 first), keeping the given order otherwise.
   */
  static List<Target> rank(List<Target> targets) {
    List<Target> sorted = new ArrayList<>(targets);
    sorted.sort(Comparator.comparingInt(t -> scope(t.socket().getAddress())));
    List<Target> out = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      int scope = scope(sorted.get(i).socket().getAddress());
      List<Target> v6 = new ArrayList<>();
      List<Target> v4 = new ArrayList<>();
      while (i < sorted.size() && scope(sorted.get(i).socket().getAddress()) == scope) {
        (sorted.get(i).socket().getAddress() instanceof Inet6Address ? v6 : v4).add(sorted.get(i));
        i++;
      }
      for (int k = 0; k < Math.max(v6.size(), v4.size()); k++) {
        if (k < v6.size()) {
          out.add(v6.get(k));
        }
        if (k < v4.size()) {
          out.add(v4.get(k));
        }
      }
    }
    return out;
  }

  private static int scope(InetAddress a) {
    if (a.isLoopbackAddress()) {
      return 0;
    }
    if (a.isSiteLocalAddress() || a.isLinkLocalAddress()
        || (a instanceof Inet6Address && (a.getAddress()[0] & 0xFE) == 0xFC)) {
      return 1;
    }
    return 2;
  }

  /** Resolves one multiaddr into targets, blocking: run on the resolver executor. */
  private static List<Target> resolve(Multiaddr addr) throws PeerException {
    Multiaddr transport = addr.withoutPeerId();
    InetSocketAddress socket = transport.toSocketAddress().orElseThrow();
    if (!socket.isUnresolved()) {
      return List.of(new Target(socket, transport));
    }
    Component host = transport.components().get(0);
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(socket.getHostString());
    } catch (java.net.UnknownHostException e) {
      throw new PeerException(PeerError.CONNECT, "could not resolve " + socket.getHostString() + " in " + addr
          + " (check the name and this machine's DNS)", e);
    }
    List<Target> out = new ArrayList<>();
    for (InetAddress a : all) {
      boolean fits = host.protocol() == Protocol.DNS
          || (host.protocol() == Protocol.DNS4 && a instanceof Inet4Address)
          || (host.protocol() == Protocol.DNS6 && a instanceof Inet6Address);
      if (fits) {
        InetSocketAddress s = new InetSocketAddress(a, socket.getPort());
        out.add(new Target(s, Multiaddr.fromSocketAddress(s)));
      }
    }
    if (out.isEmpty()) {
      throw new PeerException(PeerError.CONNECT, socket.getHostString() + " has no "
          + (host.protocol() == Protocol.DNS4 ? "IPv4" : "IPv6") + " address (" + addr + ")");
    }
    return out;
  }

  /** One dial to one peer, shared by every caller that asked for it while it ran. */
  private final class SharedDial {
    private final PeerId peer;
    private final List<Multiaddr> addrs;
    private final CompletableFuture<Peer> result = new CompletableFuture<>();
    private int callers;
    private boolean started;
    private boolean cancelled;
    private Race race; // guarded by this
    private io.netty.util.concurrent.ScheduledFuture<?> retryTimer; // guarded by this

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
          mine.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
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
      Race r;
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
          java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - begun);
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
        List<Target> targets = new ArrayList<>();
        PeerException firstError = null;
        for (Multiaddr a : addrs) {
          try {
            targets.addAll(resolve(a));
          } catch (PeerException e) {
            firstError = firstError == null ? e : firstError;
          }
        }
        if (targets.isEmpty()) {
          throw new java.util.concurrent.CompletionException(firstError);
        }
        return rank(targets);
      }, core.resolverExecutor()).whenComplete((targets, err) -> {
        if (err != null) {
          roundFailed(n, PeerException.wrap(err, PeerError.CONNECT));
          return;
        }
        Race r;
        synchronized (this) {
          if (cancelled) {
            return;
          }
          r = new Race(targets, n);
          race = r;
        }
        r.start();
      });
    }

    private void roundFailed(int n, PeerException error) {
      List<Multiaddr> tried = addrs;
      boolean retry = retryable(error) && n < policy.maxAttempts();
      java.time.Duration wait = retry ? policy.backoff(n, random) : null;
      core.events().emit(l -> l.dialAttemptFailed(peer, n, tried, error, wait));
      if (!retry) {
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

    /** One round over the ranked targets. */
    private final class Race {
      private final List<Target> targets;
      private final int round;
      private final List<DialAttempt> live = new ArrayList<>();
      private final List<PeerException> errors = new ArrayList<>();
      private int next;
      private int running;
      private boolean done;
      private io.netty.util.concurrent.ScheduledFuture<?> stagger;

      Race(List<Target> targets, int round) {
        this.targets = targets;
        this.round = round;
      }

      void start() {
        launchNext();
      }

      private void launchNext() {
        Target t;
        long wait;
        synchronized (this) {
          if (done || next >= targets.size()) {
            return;
          }
          t = targets.get(next++);
          running++;
          wait = rate.reserve();
          if (stagger != null) {
            stagger.cancel(false);
          }
          if (next < targets.size()) {
            stagger = core.eventLoops().next().schedule(this::launchNext,
                wait + policy.addressStagger().toNanos(), TimeUnit.NANOSECONDS);
          }
        }
        if (wait == 0) {
          launch(t);
        } else {
          core.eventLoops().next().schedule(() -> launch(t), wait, TimeUnit.NANOSECONDS);
        }
      }

      private void launch(Target t) {
        DialAttempt a;
        synchronized (this) {
          if (done) {
            running--;
            return;
          }
          a = core.dial(peer, t.socket(), t.addr());
          live.add(a);
        }
        a.result().whenComplete((p, e) -> {
          if (e == null) {
            won(a, p);
          } else {
            lost(a, PeerException.wrap(e, PeerError.CONNECT));
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
          if (stagger != null) {
            stagger.cancel(false);
          }
          others = new ArrayList<>(live);
          others.remove(a);
        }
        others.forEach(o -> o.cancel().run());
        if (!result.complete(p)) {
          p.close(); // the dial was cancelled meanwhile
        }
      }

      private void lost(DialAttempt a, PeerException e) {
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
          roundFailed(round, summarize());
        } else {
          launchNext(); // a failure does not wait for the stagger
        }
      }

      void cancel() {
        List<DialAttempt> all;
        synchronized (this) {
          done = true;
          if (stagger != null) {
            stagger.cancel(false);
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
        PeerException main = errors.stream().filter(x -> !retryable(x)).findFirst().orElse(errors.get(0));
        StringBuilder sb = new StringBuilder("could not connect to " + peer + " at any of its "
            + targets.size() + " addresses:");
        for (PeerException x : errors) {
          sb.append("\n  ").append(x.getMessage());
        }
        PeerException out = main.kind() == PeerError.TIMEOUT
            ? new io.peerlink.core.PeerTimeoutException(sb.toString(), main)
            : new PeerException(main.kind(), sb.toString(), main);
        return out;
      }
    }
  }
}
