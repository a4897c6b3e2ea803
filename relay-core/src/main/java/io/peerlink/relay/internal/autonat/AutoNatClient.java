package io.peerlink.relay.internal.autonat;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.Peer;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.event.Reachability;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.AutoNatConfig;
import io.peerlink.relay.internal.HostTimer;
import io.peerlink.relay.internal.holepunch.ObservedAddresses;
import io.peerlink.relay.internal.proto.AutoNatProtos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AutoNAT v1 client: asks connected peers that support {@code /libp2p/autonat/1.0.0} (their
 * identify protocols), over direct connections, to dial us back at our candidate addresses
 * (observed and listen addresses the filter calls public), and decides our {@link Reachability}.
 *
 * <p>Decision: each server's latest answer counts once. OK is a vote for PUBLIC, E_DIAL_ERROR a
 * vote for PRIVATE; refusals, bad requests and failed streams are no vote. Reachability becomes
 * PUBLIC once at least {@link AutoNatConfig#confirmations()} servers (default 4, the spec's "more
 * than 3") voted PUBLIC and no more voted PRIVATE, and PRIVATE once that many voted PRIVATE and
 * more than voted PUBLIC; otherwise it stays as it was. An OK confirms the address the server
 * reached in {@link ObservedAddresses#confirm}.
 *
 * <p>Checks run at {@link #start()}, when a new server appears, every
 * {@link AutoNatConfig#retryInterval()} while UNKNOWN and every {@link AutoNatConfig#refreshInterval()}
 * otherwise; when our candidate addresses change, the votes are dropped and every server is asked
 * again. A server is asked at most once per {@link AutoNatConfig#serverQueryInterval()} otherwise.
 *
 * <p>Thread-safe.
 */
public final class AutoNatClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AutoNatClient.class);

  private final Host core;
  private final ObservedAddresses observed;
  private final AutoNatConfig config;
  private final HostTimer timers;
  private final List<BiConsumer<Reachability, Reachability>> watchers = new CopyOnWriteArrayList<>();
  private volatile Supplier<List<Multiaddr>> addressSource;

  // guarded by this
  private Reachability reachability = Reachability.UNKNOWN;
  private final Map<PeerId, Boolean> votes = new HashMap<>();
  private final Map<PeerId, Long> lastAsked = new HashMap<>();
  private List<Multiaddr> lastAddrs = List.of();
  private ScheduledFuture<?> timer;
  private boolean started;
  private boolean closed;

  /**
   * A client for {@code core}; {@link #start()} begins checking.
   *
   * @param core the host's internals
   * @param observed our observed addresses
   * @param config the settings
   */
  public AutoNatClient(Host core, ObservedAddresses observed, AutoNatConfig config) {
    this.core = Objects.requireNonNull(core, "core");
    this.observed = Objects.requireNonNull(observed, "observed");
    this.config = Objects.requireNonNull(config, "config");
    this.timers = HostTimer.of(core);
    this.addressSource = this::defaultAddresses;
  }

  /**
   * Replaces where our candidate addresses come from (default: the observed candidates, then the
   * direct listen addresses, each kept only if the filter calls it public).
   *
   * @param source the source of candidate addresses
   */
  public void addressSource(Supplier<List<Multiaddr>> source) {
    addressSource = Objects.requireNonNull(source);
  }

  /**
   * Calls {@code watcher} with every reachability change, on an event loop (the manager suspends
   * and resumes AutoRelay this way); applications see the change as a {@code reachabilityChanged}
   * event.
   *
   * @param watcher called with the previous and the new reachability
   */
  public void watch(BiConsumer<Reachability, Reachability> watcher) {
    watchers.add(Objects.requireNonNull(watcher));
  }

  /** {@return what AutoNAT found out so far} */
  public synchronized Reachability reachability() {
    return reachability;
  }

  /**
   * Starts checking: now, on new servers and on the intervals. Calling it again does nothing.
   *
   * @return this client
   */
  public AutoNatClient start() {
    synchronized (this) {
      if (closed || started) {
        return this;
      }
      started = true;
    }
    core.addConnectionListener(this::onConnection);
    check();
    return this;
  }

  private void onConnection(Peer p) {
    if (p.path() == ConnectionPath.RELAYED) {
      return;
    }
    p.identify().thenAccept(info -> {
      if (info.protocols().contains(AutoNatMessages.PROTOCOL)) {
        check();
      }
    });
  }

  /**
   * Runs a check now: asks every eligible server; completes when all answered.
   *
   * @return a future that completes with the reachability found
   */
  public CompletableFuture<Reachability> check() {
    List<Multiaddr> addrs = addressSource.get();
    List<Peer> ask = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return CompletableFuture.completedFuture(reachability);
      }
      if (!addrs.equals(lastAddrs)) {
        lastAddrs = addrs;
        votes.clear();
        lastAsked.clear();
      }
      long now = System.nanoTime();
      LinkedHashSet<PeerId> chosen = new LinkedHashSet<>();
      for (Peer c : core.connections()) {
        if (ask.size() >= config.maxQueriesPerCheck()) {
          break;
        }
        if (!c.isOpen() || c.path() == ConnectionPath.RELAYED || chosen.contains(c.peerId())) {
          continue;
        }
        Long at = lastAsked.get(c.peerId());
        if (at != null && now - at < config.serverQueryInterval().toNanos()) {
          continue;
        }
        CompletableFuture<IdentifyInfo> id = c.identify();
        if (!id.isDone() || id.isCompletedExceptionally()
            || !id.join().protocols().contains(AutoNatMessages.PROTOCOL)) {
          continue; // not identified yet: onConnection asks once it is
        }
        chosen.add(c.peerId());
        lastAsked.put(c.peerId(), now);
        ask.add(c);
      }
      reschedule();
    }
    if (addrs.isEmpty()) {
      return CompletableFuture.completedFuture(reachability());
    }
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (Peer c : ask) {
      all.add(ask(c, addrs).handle((r, e) -> {
        if (e != null) {
          log.debug("AutoNAT query to {} failed: {}", c.peerId(), e.toString());
        } else {
          record(r, addrs);
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> reachability());
  }

  private void reschedule() {
    HostTimer.cancel(timer);
    Duration next = reachability == Reachability.UNKNOWN ? config.retryInterval() : config.refreshInterval();
    timer = timers.after(next, this::check);
  }

  /**
   * Asks {@code server} once to dial us back at {@code addrs}. Fails with a
   * {@link ProtocolViolationException} or {@link io.peerlink.core.LimitExceededException} when the
   * answer is malformed or oversized (the stream is closed), a
   * {@link io.peerlink.core.PeerTimeoutException} after the stream timeout.
   *
   * @param server the AutoNAT server to ask
   * @param addrs the addresses to be dialed at
   * @return a future that completes with the server's answer
   */
  public CompletableFuture<DialBackResult> ask(Peer server, List<Multiaddr> addrs) {
    AtomicReference<MessageStream<AutoNatProtos.Message>> holder = new AtomicReference<>();
    return server.newStream(List.of(AutoNatMessages.PROTOCOL), s -> holder.set(AutoNatMessages.stream(s.channel())))
        .thenCompose(s -> holder.get().write(AutoNatMessages.dial(core.identity().peerId(), addrs)))
        .thenCompose(v -> holder.get().read(config.streamTimeout()))
        .thenApply(m -> {
          AutoNatMessages.Response r = AutoNatMessages.response(m);
          if (r == null) {
            throw new CompletionException(
                new ProtocolViolationException("expected an AutoNAT DIAL_RESPONSE with a status, got " + m.getType()));
          }
          return new DialBackResult(server.peerId(), status(r.status()), r.text(), r.addr());
        })
        .whenComplete((r, e) -> {
          MessageStream<AutoNatProtos.Message> as = holder.get();
          if (as != null) {
            as.channel().close();
          }
        });
  }

  private static DialBackResult.Status status(
      AutoNatProtos.Message.ResponseStatus s) {
    return switch (s) {
      case OK -> DialBackResult.Status.OK;
      case E_DIAL_ERROR -> DialBackResult.Status.DIAL_ERROR;
      case E_DIAL_REFUSED -> DialBackResult.Status.DIAL_REFUSED;
      case E_BAD_REQUEST -> DialBackResult.Status.BAD_REQUEST;
      default -> DialBackResult.Status.INTERNAL_ERROR;
    };
  }

  private void record(DialBackResult r, List<Multiaddr> asked) {
    if (r.status() == DialBackResult.Status.OK && r.addr() != null) {
      observed.confirm(r.addr());
    }
    synchronized (this) {
      if (closed || !asked.equals(lastAddrs)) {
        return; // our addresses changed since: the answer is about old ones
      }
      if (r.status() == DialBackResult.Status.OK) {
        votes.put(r.server(), true);
      } else if (r.status() == DialBackResult.Status.DIAL_ERROR) {
        votes.put(r.server(), false);
      } else {
        return;
      }
      long yes = votes.values().stream().filter(v -> v).count();
      long no = votes.size() - yes;
      final Reachability next;
      if (yes >= config.confirmations() && yes >= no) {
        next = Reachability.PUBLIC;
      } else if (no >= config.confirmations() && no > yes) {
        next = Reachability.PRIVATE;
      } else {
        next = reachability;
      }
      if (next != reachability) {
        Reachability prev = reachability;
        reachability = next;
        reschedule();
        core.emit(l -> l.reachabilityChanged(prev, next));
        for (BiConsumer<Reachability, Reachability> w : watchers) {
          timers.executor().execute(() -> {
            try {
              w.accept(prev, next);
            } catch (RuntimeException e) {
              log.warn("reachability watcher threw", e);
            }
          });
        }
      }
    }
  }

  private List<Multiaddr> defaultAddresses() {
    LinkedHashSet<Multiaddr> out = new LinkedHashSet<>();
    for (Multiaddr a : observed.candidates()) {
      out.add(a.withoutPeerId());
    }
    for (Multiaddr a : core.listenAddresses()) {
      if (observed.filter().test(a)) {
        out.add(a.withoutPeerId());
      }
    }
    return List.copyOf(out);
  }

  /** Stops checking. */
  @Override
  public synchronized void close() {
    closed = true;
    HostTimer.cancel(timer);
  }
}
