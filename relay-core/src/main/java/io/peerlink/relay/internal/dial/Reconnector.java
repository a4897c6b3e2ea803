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
 *
 * <p>A peer that dialed us through a relay and with which we punched a hole (we are the DCUtR
 * initiator, the side with the inbound relayed connection) is kept as well, but only for the
 * punched path: the other side cannot punch (DCUtR's initiator is the side that received the
 * relayed connection) and usually cannot dial us directly behind our NAT, so when the punched
 * connection dies only we can win it back, by punching again over the relayed one. When the
 * relayed connection dies too, we do not dial such a peer back: it dialed us, and its own
 * manager redials through a relay.
 *
 * <p>Attempts back off from {@link DialConfig#reconnectInitialBackoff()}, doubling up to
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
  private final Map<PeerId, Kept> kept; // guarded by itself
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
      protected boolean removeEldestEntry(Map.Entry<PeerId, Kept> eldest) {
        return size() > max;
      }
    };
    host.onPathLost(this::pathLost);
    if (puncher != null) {
      host.addConnectionListener(this::punchedByUs);
    }
  }

  /**
   * A peer kept reached: {@code addrs} are where to dial it directly; {@code dialed} is false for
   * a peer that dialed us and with which we punched, kept only for the punched path.
   */
  private record Kept(List<Multiaddr> addrs, boolean dialed) {}

  /** A punched connection opened: if we punched it over an inbound relayed one, keep that path. */
  private void punchedByUs(Peer p) {
    if (p.path() != ConnectionPath.HOLE_PUNCHED || config.reconnectAttempts() == 0 || closed) {
      return;
    }
    if (inboundRelayed(p.peerId()).isEmpty()) {
      return;
    }
    synchronized (kept) {
      kept.putIfAbsent(p.peerId(), new Kept(List.of(), false));
    }
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
      kept.put(peer, new Kept(List.copyOf(addrs), true));
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
    Kept k;
    DialStage stage;
    CompletableFuture<Void> reconnection;
    synchronized (kept) {
      k = kept.get(peer);
      if (closed || k == null) {
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
      if (!k.dialed() && !relayed) {
        return null; // the peer dialed us; with no relayed connection left, redialing is its part
      }
      stage = dead.path() == ConnectionPath.RELAYED ? DialStage.RELAY : DialStage.DIRECT;
      reconnection = new CompletableFuture<>();
      winning.put(peer, reconnection);
    }
    attempt(peer, stage, 1);
    return reconnection;
  }

  private void attempt(PeerId peer, DialStage stage, int n) {
    Kept k;
    synchronized (kept) {
      k = kept.get(peer); // read again: a dial may have made a punched-only peer a dialed one
    }
    if (closed || k == null) {
      done(peer);
      return;
    }
    List<Multiaddr> addrs = k.addrs();
    if (open(peer, false).isPresent()) {
      done(peer); // a direct connection came back on its own (the peer dialed us, a punch)
      return;
    }
    Optional<Peer> relayed = open(peer, true);
    boolean needDirect = relayed.isPresent();
    DialStage now = stage;
    CompletableFuture<Peer> tried;
    try {
      if (!needDirect && !k.dialed()) {
        tried = CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
            "the relayed connection from " + peer + " is gone too; it dialed us, so it redials"));
      } else if (!needDirect) {
        // Nothing left: dial again the whole way, through every path and relay known.
        tried = redial.apply(peer, addrs);
      } else if (!k.dialed()) {
        // We punched this path: punch again over the inbound relayed connection.
        Optional<Peer> inbound = inboundRelayed(peer);
        now = DialStage.HOLE_PUNCH;
        tried = inbound.isPresent() ? puncher.punch(inbound.get())
            : CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
                "no relayed connection from " + peer + " is left to punch over"));
      } else {
        List<Multiaddr> direct = directAddresses(peer, addrs, relayed.get());
        if (!direct.isEmpty()) {
          tried = host.dialRound(peer, direct, config.addressStagger(), config.tcpDelays(),
              config.directConnectTimeout()).result();
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
      boolean hopeless = !needDirect && !k.dialed();
      Duration wait = n >= config.reconnectAttempts() || closed || hopeless ? null : backoff(n);
      host.emit(l -> l.reconnectFailed(peer, reported, n, pe, wait));
      if (wait == null) {
        done(peer);
      } else {
        timer.after(wait, () -> attempt(peer, stage, n + 1));
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
      if (!a.isRelayed() && a.withoutPeerId().toTransportSocketAddress().isPresent()
          && a.peerId().map(peer::equals).orElse(true)) {
        out.add(a.withPeerId(peer));
      }
    }
    return List.copyOf(out);
  }

  private Optional<Peer> inboundRelayed(PeerId peer) {
    for (Peer p : host.connections()) {
      if (p.peerId().equals(peer) && p.isOpen() && p.path() == ConnectionPath.RELAYED
          && p.direction() == Direction.INBOUND) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
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
