package io.peerlink.relay.internal.dial;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.event.DialStage;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.DialConfig;
import io.peerlink.relay.internal.HostTimer;
import io.peerlink.relay.internal.holepunch.HolePuncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Keeps the peers the manager dialed reached, without the application dialing again. It is the
 * host's {@linkplain Host#onPathLost path-loss policy}: told when a connection of a peer's handle
 * closes, it answers with its reconnection attempt, and the handle stays valid until that attempt
 * ends, so an application holding the handle keeps it across a redial through another relay.
 * When a direct or punched connection to such a peer dies and a relayed one remains, new streams can use
 * the relayed one at once, and this tries to win the direct path back: a direct dial to the
 * peer's known addresses (given to the dial, or announced in identify), else, when the peer dialed
 * the relayed connection to us, a hole punch. When the last connection to the peer dies (a relay
 * gone, or the only direct connection), it dials the peer again the whole way, through every
 * path and relay known ({@link PriorityDialer}).
 * Attempts back off from {@link DialConfig#reconnectInitialBackoff()}, doubling up to
 * {@link DialConfig#reconnectMaxBackoff()}, at most {@link DialConfig#reconnectAttempts()} per
 * loss; each is reported as {@code reconnectStart}/{@code reconnectEnd}/{@code reconnectFailed}.
 * Thread-safe.
 */
public final class Reconnector implements AutoCloseable {
  private final Host host;
  private final DialConfig config;
  private final HolePuncher puncher; // null: no hole punching
  private final BiFunction<PeerId, List<Multiaddr>, CompletableFuture<Peer>> redial;
  private final HostTimer timer;
  private final Map<PeerId, List<Multiaddr>> kept; // guarded by itself
  // A reconnection under way per peer, completed when it ends either way; guarded by kept.
  private final Map<PeerId, CompletableFuture<Void>> winning = new LinkedHashMap<>();
  private volatile boolean closed;

  /**
   * Follows {@code host}'s connections.
   *
   * @param host the host
   * @param config backoff and attempts
   * @param puncher hole punching, or null when it is off
   * @param redial dials a peer the best way (the priority dialer)
   */
  public Reconnector(Host host, DialConfig config, HolePuncher puncher,
      BiFunction<PeerId, List<Multiaddr>, CompletableFuture<Peer>> redial) {
    this.host = host;
    this.config = config;
    this.puncher = puncher;
    this.redial = redial;
    this.timer = HostTimer.of(host);
    int max = config.rememberedPeers();
    this.kept = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<PeerId, List<Multiaddr>> eldest) {
        return size() > max;
      }
    };
    host.onPathLost(this::pathLost);
  }

  /**
   * Keeps {@code peer} reached from now on; {@code addrs} are where to dial it directly again.
   *
   * @param peer the peer
   * @param addrs its addresses as given to the dial
   */
  public void keep(PeerId peer, List<Multiaddr> addrs) {
    if (config.reconnectAttempts() == 0) {
      return;
    }
    synchronized (kept) {
      kept.put(peer, List.copyOf(addrs));
    }
  }

  /**
   * Stops keeping {@code peer}: a reconnection under way finishes, no new one starts.
   *
   * @param peer the peer
   * @return whether it was kept
   */
  public boolean forget(PeerId peer) {
    synchronized (kept) {
      return kept.remove(peer) != null;
    }
  }

  /** {@return whether {@code peer} is kept} */
  public boolean keeps(PeerId peer) {
    synchronized (kept) {
      return kept.containsKey(peer);
    }
  }

  /**
   * A connection of {@code handle} closed: starts winning the path back if the peer is kept.
   *
   * @return the reconnection, complete when it ends (won or given up), which holds the handle
   *     open meanwhile; null when nothing is reconnected
   */
  private CompletableFuture<?> pathLost(PeerHandle handle, Peer dead) {
    PeerId peer = dead.peerId();
    List<Multiaddr> addrs;
    DialStage stage;
    CompletableFuture<Void> reconnection;
    synchronized (kept) {
      addrs = kept.get(peer);
      if (closed || addrs == null) {
        return null;
      }
      CompletableFuture<Void> running = winning.get(peer);
      if (running != null) {
        return running; // one reconnection at a time; the handle waits for it as well
      }
      boolean direct = false;
      boolean relayed = false;
      for (Peer p : handle.connections()) { // the survivors
        if (p.isOpen()) {
          direct |= p.path() != ConnectionPath.RELAYED;
          relayed |= p.path() == ConnectionPath.RELAYED;
        }
      }
      if (direct) {
        return null; // another direct connection carries on
      }
      if (relayed && dead.path() == ConnectionPath.RELAYED) {
        return null; // one relayed connection of several closed: the others carry on
      }
      stage = dead.path() == ConnectionPath.RELAYED ? DialStage.RELAY : DialStage.DIRECT;
      reconnection = new CompletableFuture<>();
      winning.put(peer, reconnection);
    }
    attempt(peer, addrs, stage, 1);
    return reconnection;
  }

  private void attempt(PeerId peer, List<Multiaddr> addrs, DialStage stage, int n) {
    if (closed || !keeps(peer)) {
      done(peer);
      return;
    }
    if (open(peer, false).isPresent()) {
      done(peer); // a direct connection came back on its own (the peer dialed us, a punch)
      return;
    }
    Optional<Peer> relayed = open(peer, true);
    boolean needDirect = relayed.isPresent();
    DialStage now = stage;
    CompletableFuture<Peer> tried;
    try {
      if (!needDirect) {
        // Nothing left: dial again the whole way, through every path and relay known.
        tried = redial.apply(peer, addrs);
      } else {
        List<Multiaddr> direct = directAddresses(peer, addrs, relayed.get());
        if (!direct.isEmpty()) {
          tried = host.dialRound(peer, direct, config.addressStagger(), config.directConnectTimeout()).result();
        } else if (puncher != null && relayed.get().direction() == Direction.INBOUND) {
          now = DialStage.HOLE_PUNCH; // the peer dialed the relayed connection: we initiate DCUtR
          tried = puncher.punch(relayed.get());
        } else {
          tried = CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
              "no direct address of " + peer + " known, and it dialed no relayed connection to us to punch over"));
        }
      }
    } catch (RuntimeException e) {
      tried = CompletableFuture.failedFuture(e); // the host is closing
    }
    DialStage reported = now;
    host.emit(l -> l.reconnectStart(peer, reported, n));
    tried.whenComplete((p, err) -> {
      if (err == null && (!needDirect || p.path() != ConnectionPath.RELAYED)) {
        done(peer);
        host.emit(l -> l.reconnectEnd(peer, reported, p));
        return;
      }
      PeerException pe = err != null ? PeerException.wrap(err, PeerError.CONNECT)
          : new PeerException(PeerError.CONNECT, "only a relayed connection came back");
      Duration wait = n >= config.reconnectAttempts() || closed ? null : backoff(n);
      host.emit(l -> l.reconnectFailed(peer, reported, n, pe, wait));
      if (wait == null) {
        done(peer);
      } else {
        timer.after(wait, () -> attempt(peer, addrs, stage, n + 1));
      }
    });
  }

  private void done(PeerId peer) {
    CompletableFuture<Void> ended;
    synchronized (kept) {
      ended = winning.remove(peer);
    }
    if (ended != null) {
      ended.complete(null); // the handle may give the peer up now if nothing came back
    }
  }

  private Duration backoff(int failures) {
    Duration wait = config.reconnectInitialBackoff();
    for (int i = 1; i < failures && wait.compareTo(config.reconnectMaxBackoff()) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(config.reconnectMaxBackoff()) > 0 ? config.reconnectMaxBackoff() : wait;
  }

  /** The peer's direct addresses: those given to the dial, then those it announced in identify. */
  private static List<Multiaddr> directAddresses(PeerId peer, List<Multiaddr> given, Peer relayed) {
    LinkedHashSet<Multiaddr> out = new LinkedHashSet<>();
    List<Multiaddr> all = new ArrayList<>(given);
    CompletableFuture<?> info = relayed.identify();
    if (info.isDone() && !info.isCompletedExceptionally()) {
      all.addAll(relayed.identify().join().listenAddrs());
    }
    for (Multiaddr a : all) {
      if (!a.isRelayed() && a.withoutPeerId().toSocketAddress().isPresent()
          && a.peerId().map(peer::equals).orElse(true)) {
        out.add(a.withPeerId(peer));
      }
    }
    return List.copyOf(out);
  }

  private Optional<Peer> open(PeerId peer, boolean relayed) {
    for (Peer p : host.connections()) {
      if (p.peerId().equals(peer) && p.isOpen() && (p.path() == ConnectionPath.RELAYED) == relayed) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Stops reconnecting; attempts under way finish. */
  @Override
  public void close() {
    closed = true;
    host.onPathLost(null);
  }
}
