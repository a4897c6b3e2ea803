package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.Stream;
import io.peerlink.core.event.PunchRole;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.DialAttempt;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.core.spi.PunchExpectation;
import io.peerlink.relay.HolePunchConfig;
import io.peerlink.relay.internal.proto.HolePunchProtos.HolePunch;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DCUtR ({@code /libp2p/dcutr}, checklist section 13): turns a relayed connection into a direct
 * one by TCP simultaneous open.
 *
 * <p>Roles: <b>A</b> dialed the relayed connection, <b>B</b> received it. B opens the DCUtR stream,
 * sends CONNECT with its public addresses and starts a timer; A answers CONNECT with its own; B
 * takes the round trip as RTT, sends SYNC and dials A's addresses RTT/2 later, while A dials B's as
 * soon as SYNC arrives. Both dial from their listening port (SO_REUSEADDR + SO_REUSEPORT), so the
 * NAT mappings the peers learnt are the ones the dials use, and the two SYNs cross. On the
 * resulting connection A is the client of every protocol (multistream initiator, security client,
 * yamux client) and B the server. B makes {@link HolePunchConfig#attempts} rounds. The direct
 * connection joins the host's connections next to the relayed one, which stays open.
 *
 * <p>Thread-safe.
 */
public final class HolePuncher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HolePuncher.class);

  private final Host core;
  private final ObservedAddresses observed;
  private final HolePunchConfig config;
  private final Map<PeerId, Waiter> waiters = new ConcurrentHashMap<>();
  /** A side: the DCUtR rounds B started on each relayed connection, for the round's roles. */
  private final Map<Peer, AtomicInteger> roundsAsA = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** A side: someone waiting for a punch from {@code peer}. */
  private static final class Waiter {
    final CompletableFuture<Peer> result = new CompletableFuture<>();
    final AtomicInteger failures = new AtomicInteger();
  }

  /**
   * A hole puncher for the host {@code core}; {@link #start()} serves DCUtR.
   *
   * @param core the host's internals
   * @param observed our observed addresses
   * @param config the settings
   */
  public HolePuncher(Host core, ObservedAddresses observed, HolePunchConfig config) {
    this.core = Objects.requireNonNull(core, "core");
    this.observed = Objects.requireNonNull(observed, "observed");
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Serves {@code /libp2p/dcutr} as A (over relayed connections we dialed) and, as B, punches every
   * relayed connection we receive.
   *
   * @return this hole puncher
   */
  public HolePuncher start() {
    core.handle(DcutrMessages.PROTOCOL, this::onStream);
    core.allowOnLimitedConnections(DcutrMessages.PROTOCOL);
    core.addConnectionListener(p -> {
      Waiter w = p.path() != ConnectionPath.RELAYED ? waiters.get(p.peerId()) : null;
      if (w != null) {
        // B's connection reversal, or a punch: a direct connection is up. Taken once identify
        // answered on it: B's AutoNAT dial back to us is a direct connection too, which B closes
        // as soon as it stands, and which would otherwise win when it comes first.
        p.identify().whenComplete((info, err) -> {
          if (err == null && p.isOpen()) {
            w.result.complete(p);
          }
        });
      }
      if (!closed && config.initiateOnInbound() && p.path() == ConnectionPath.RELAYED && p.direction() == Direction.INBOUND) {
        punch(p).exceptionally(err -> null); // the events tell; the relayed connection stays
      }
    });
    return this;
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static PeerException error(Throwable err) {
    return PeerException.wrap(err, PeerError.CONNECT);
  }

  private static String message(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }

  // ------------------------------------------------------------------ A side

  /**
   * A side: completes with the direct connection to {@code peer} once a punch wins (or B dials us
   * directly: connection reversal), or
   * fails once B's attempts all failed or {@code timeout} passed. Call before (or just after)
   * opening the relayed connection: B starts punching as soon as it has it.
   *
   * @param peer the peer whose punch to wait for
   * @param timeout how long to wait
   * @return a future that completes with the direct connection
   */
  public CompletableFuture<Peer> awaitPunch(PeerId peer, Duration timeout) {
    for (Peer c : core.connections()) {
      if (c.peerId().equals(peer) && c.isOpen() && c.path() == ConnectionPath.HOLE_PUNCHED) {
        return CompletableFuture.completedFuture(c);
      }
    }
    Waiter w = waiters.computeIfAbsent(peer, k -> new Waiter());
    w.result.whenComplete((p, e) -> waiters.remove(peer, w));
    return w.result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(err -> {
      Throwable c = err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
      if (c instanceof java.util.concurrent.TimeoutException) {
        return CompletableFuture.failedFuture(new io.peerlink.core.PeerTimeoutException(
            "no hole punch from " + peer + " succeeded within " + timeout.toMillis() + " ms"));
      }
      return CompletableFuture.failedFuture(c);
    });
  }

  /**
   * Whether a punch to us can work at all: once identify finished on our direct connections,
   * whether we know a public address of ours (observed, or a public listen address). Without one
   * the remote's dials have nowhere to go, so A need not wait for a punch.
   *
   * @return a future that completes with whether a punch to us can work
   */
  public CompletableFuture<Boolean> hasPublicAddress() {
    return identified().thenApply(x -> !ownAddrs(false).isEmpty());
  }

  private void onStream(Stream s) {
    Peer conn = s.peer();
    if (conn.path() != ConnectionPath.RELAYED || conn.direction() != Direction.OUTBOUND) {
      // Only A (who dialed the relayed connection) answers; as go does, refuse anything else.
      s.channel().close();
      return;
    }
    PeerId peer = conn.peerId();
    AtomicInteger rounds = roundsAsA.computeIfAbsent(conn, c -> {
      c.closeFuture().whenComplete((v, e) -> roundsAsA.remove(c));
      return new AtomicInteger();
    });
    int round = rounds.incrementAndGet();
    long started = System.nanoTime();
    core.emit(l -> l.holePunchStart(peer, PunchRole.RESPONDER));
    MessageStream<DcutrMessages.Message> ds = DcutrMessages.stream(s.channel());
    AtomicReference<List<Multiaddr>> theirs = new AtomicReference<>();
    AtomicReference<Expect> expectA = new AtomicReference<>();
    ds.read(config.messageTimeout())
        .thenCompose(m -> {
          if (m.type() != HolePunch.Type.CONNECT) {
            throw new java.util.concurrent.CompletionException(
                new ProtocolViolationException("expected DCUtR CONNECT, got " + m.type()));
          }
          theirs.set(m.addrs());
          // Expect B's SYN from now on: it may reach our listener before ours leaves.
          expectA.set(expect(peer, m.addrs(), roleOfA(config, round)));
          return identified().thenCompose(x -> ds.write(DcutrMessages.connect(ownAddrs(true))));
        })
        .thenCompose(v -> ds.read(config.messageTimeout()))
        .thenCompose(m -> {
          if (m.type() != HolePunch.Type.SYNC) {
            throw new java.util.concurrent.CompletionException(
                new ProtocolViolationException("expected DCUtR SYNC, got " + m.type()));
          }
          s.channel().close();
          return dialAll(peer, theirs.get(), expectA.get()); // A: at once (the client, but see the config)
        })
        .whenComplete((direct, err) -> {
          s.channel().close();
          Expect ex = expectA.get();
          if (ex != null) {
            ex.withdraw().run();
          }
          Waiter w = waiters.get(peer);
          if (err == null) {
            core.emit(l -> l.holePunchEnd(peer, PunchRole.RESPONDER, direct, since(started)));
            if (w != null) {
              w.result.complete(direct);
            }
          } else {
            log.debug("DCUtR round with {} failed: {}", peer, err.toString());
            core.emit(l -> l.holePunchFailed(peer, PunchRole.RESPONDER, error(err), since(started)));
            if (w != null && w.failures.incrementAndGet() >= config.attempts()) {
              w.result.completeExceptionally(new PeerException(PeerError.CONNECT,
                  "hole punching with " + peer + " failed " + config.attempts() + " times; last: " + message(err)));
            }
          }
        });
  }

  // ------------------------------------------------------------------ B side

  /**
   * B side: punches through {@code relayed} (a relayed connection the remote dialed to us). Tries a
   * direct dial first when the remote lists public addresses (connection reversal), then up to
   * {@link HolePunchConfig#attempts} CONNECT/SYNC rounds. Completes with the direct connection.
   *
   * @param relayed the relayed connection to punch through
   * @return a future that completes with the direct connection
   */
  public CompletableFuture<Peer> punch(Peer relayed) {
    PeerId peer = relayed.peerId();
    long started = System.nanoTime();
    core.emit(l -> l.holePunchStart(peer, PunchRole.INITIATOR));
    return identified().thenCompose(x -> punchWith(relayed, ownAddrs(false), started));
  }

  private CompletableFuture<Peer> punchWith(Peer relayed, List<Multiaddr> mine, long started) {
    PeerId peer = relayed.peerId();
    if (mine.isEmpty()) {
      PeerException e = new PeerException(PeerError.CONNECT,
          "no public address of ours is known (identify's observed addresses), so no hole punch with " + peer);
      core.emit(l -> l.holePunchFailed(peer, PunchRole.INITIATOR, e, since(started)));
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Peer> result = reverse(relayed)
        .exceptionallyCompose(err -> attempt(relayed, mine, 1));
    return result.whenComplete((p, err) -> {
      if (err == null) {
        core.emit(l -> l.holePunchEnd(peer, PunchRole.INITIATOR, p, since(started)));
      } else {
        core.emit(l -> l.holePunchFailed(peer, PunchRole.INITIATOR, error(err), since(started)));
      }
    });
  }

  private CompletableFuture<Peer> reverse(Peer relayed) {
    if (config.reversalTimeout().isZero()) {
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT, "no reversal"));
    }
    return relayed.identify()
        .orTimeout(config.reversalTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(info -> {
          List<Multiaddr> pub = info.listenAddrs().stream().filter(observed.filter()).toList();
          if (pub.isEmpty()) {
            return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT, "no public address"));
          }
          return firstOf(pub.stream().map(a -> core.dial(a.withPeerId(relayed.peerId()))).toList(), "reversal")
              .orTimeout(config.reversalTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .thenApply(p -> {
                log.debug("{} dialed back directly: a connection reversal, no punch needed", relayed.peerId());
                return p;
              });
        });
  }

  private CompletableFuture<Peer> attempt(Peer relayed, List<Multiaddr> mine, int n) {
    PeerId peer = relayed.peerId();
    if (closed || !relayed.isOpen()) {
      return CompletableFuture.failedFuture(new PeerException(PeerError.IO,
          "the relayed connection to " + peer + " closed before hole punching finished"));
    }
    for (Peer c : core.connections()) {
      if (n > 1 && c.peerId().equals(peer) && c.isOpen() && c.path() != ConnectionPath.RELAYED) {
        return CompletableFuture.completedFuture(c); // a late winner of the last round, as go checks
      }
    }
    return round(relayed, mine, n).exceptionallyCompose(err -> {
      core.emit(l -> l.holePunchAttemptFailed(peer, n, error(err)));
      if (n >= config.attempts()) {
        return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
            "hole punching with " + peer + " failed " + n + " times; last: " + message(err), err));
      }
      return attempt(relayed, ownAddrs(false), n + 1);
    });
  }

  private CompletableFuture<Peer> round(Peer relayed, List<Multiaddr> mine, int n) {
    PeerId peer = relayed.peerId();
    AtomicReference<MessageStream<DcutrMessages.Message>> holder = new AtomicReference<>();
    AtomicReference<Expect> expectB = new AtomicReference<>();
    long[] sent = new long[1];
    return relayed.newStream(DcutrMessages.PROTOCOL, s -> holder.set(DcutrMessages.stream(s.channel())))
        .thenCompose(s -> {
          sent[0] = System.nanoTime();
          return holder.get().write(DcutrMessages.connect(mine));
        })
        .thenCompose(v -> holder.get().read(config.messageTimeout()))
        .thenCompose(m -> {
          Duration rtt = Duration.ofNanos(System.nanoTime() - sent[0]);
          if (m.type() != HolePunch.Type.CONNECT) {
            throw new java.util.concurrent.CompletionException(
                new ProtocolViolationException("expected DCUtR CONNECT, got " + m.type()));
          }
          MessageStream<DcutrMessages.Message> ds = holder.get();
          // Expect A's SYN from before SYNC leaves: A dials when SYNC arrives, RTT/2 before we do.
          Expect ex = expect(peer, m.addrs(), roleOfB(config, n));
          expectB.set(ex);
          return ds.write(DcutrMessages.sync()).thenCompose(v -> {
            ds.channel().close();
            CompletableFuture<Peer> dialed = new CompletableFuture<>();
            // B dials RTT/2 after SYNC, when A (dialing on SYNC's arrival) dials too.
            ds.channel().eventLoop().schedule(() -> {
              dialAll(peer, m.addrs(), ex).whenComplete((p, e) -> {
                if (e == null) {
                  dialed.complete(p);
                } else {
                  dialed.completeExceptionally(e);
                }
              });
            }, rtt.toNanos() / 2, TimeUnit.NANOSECONDS);
            log.debug("DCUtR round {} with {}: rtt {} ms", n, peer, rtt.toMillis());
            return dialed;
          });
        })
        .whenComplete((p, e) -> {
          MessageStream<DcutrMessages.Message> ds = holder.get();
          if (ds != null) {
            ds.channel().close();
          }
          Expect ex = expectB.get();
          if (ex != null) {
            ex.withdraw().run();
          }
        });
  }

  // ------------------------------------------------------------------ roles

  /**
   * B's side of the upgrade on the connection its round {@code attempt} (from 1) punches: the
   * server ({@link Direction#INBOUND}), or the client on the last round with
   * {@link HolePunchConfig#legacyRolesOnLastAttempt}.
   */
  static Direction roleOfB(HolePunchConfig config, int attempt) {
    return config.legacyRolesOnLastAttempt() && attempt >= config.attempts() ? Direction.OUTBOUND : Direction.INBOUND;
  }

  /** A's side in the {@code round}-th DCUtR round B started on one relayed connection: B's opposite. */
  static Direction roleOfA(HolePunchConfig config, int round) {
    return roleOfB(config, round) == Direction.INBOUND ? Direction.OUTBOUND : Direction.INBOUND;
  }

  // ------------------------------------------------------------------ dialing

  /** Dials every address from our listening port at once, in {@code role}; the first to connect wins. */
  /**
   * Dials every address from our listening port at once, in {@code role}; the first to connect
   * wins. When the remote's SYN reaches our listener before ours leaves (loopback; a NAT that
   * filters by endpoint only), the kernel hands the connection to the listener and our own dial
   * to that address fails: the listener then upgrades it in {@code role} too
   * ({@link Host#expectPunch}), and it wins.
   */
  /** A punch's expected remote SYNs (see {@link Host#expectPunch}); withdraw once it ended. */
  private record Expect(PunchExpectation expectation, Direction role, List<InetSocketAddress> remotes,
      Runnable withdraw) {}

  /** Registers the remote's IPv4 TCP addresses among {@code addrs} as expected punch sources. */
  private Expect expect(PeerId peer, List<Multiaddr> addrs, Direction role) {
    List<InetSocketAddress> remotes = new ArrayList<>();
    for (Multiaddr a : addrs) {
      InetSocketAddress remote = a.toSocketAddress().orElse(null);
      if (remote == null || remote.isUnresolved() || remote.getAddress() instanceof java.net.Inet6Address) {
        continue;
      }
      remotes.add(remote);
    }
    PunchExpectation e = core.expectPunch(peer, role, remotes);
    return new Expect(e, role, remotes, e::withdraw);
  }

  private CompletableFuture<Peer> dialAll(PeerId peer, List<Multiaddr> addrs, Expect ex) {
    InetSocketAddress local = new InetSocketAddress("0.0.0.0", listenPort());
    List<InetSocketAddress> remotes = ex.remotes();
    Direction role = ex.role();
    if (remotes.isEmpty()) {
      ex.withdraw().run();
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
          "none of " + peer + "'s addresses " + addrs + " is an IPv4 TCP address"));
    }
    Runnable[] withdraw = {ex.withdraw()};
    PunchExpectation expected = ex.expectation();
    long started = System.nanoTime();
    List<DialAttempt> attempts = new ArrayList<>();
    for (InetSocketAddress remote : remotes) {
      attempts.add(core.dialFromListenPort(peer, remote, local, role, ConnectionPath.HOLE_PUNCHED, config.dialTimeout()));
    }
    CompletableFuture<Peer> dialed = firstOf(attempts.stream().map(DialAttempt::result).toList(), "punch to " + addrs);
    CompletableFuture<Peer> accepted = expected.accepted().thenCompose(f -> f);
    CompletableFuture<Peer> first = new CompletableFuture<>();
    dialed.whenComplete((p, e) -> {
      if (e == null) {
        if (!first.complete(p)) {
          p.close();
        }
      } else {
        // Our dials failed; the remote's SYN may have reached our listener (its upgrade still
        // running, or our connect failed on the 4-tuple before the listener accepted it). Wait for
        // that one for what is left of the dial timeout: after a timeout, nothing.
        long left = config.dialTimeout().toNanos() - (System.nanoTime() - started);
        accepted.copy().orTimeout(Math.max(0, left), TimeUnit.NANOSECONDS)
            .whenComplete((p2, e2) -> {
              if (e2 != null) {
                first.completeExceptionally(e);
              }
            });
      }
    });
    accepted.whenComplete((p, e) -> {
      if (e == null && !first.complete(p)) {
        p.close();
      }
    });
    first.whenComplete((p, e) -> {
      withdraw[0].run();
      attempts.forEach(at -> at.cancel().run());
    });
    return first;
  }

  /** The first of {@code dials} to succeed (the others are closed when they succeed later), or the last failure. */
  private static CompletableFuture<Peer> firstOf(List<CompletableFuture<Peer>> dials, String what) {
    CompletableFuture<Peer> first = new CompletableFuture<>();
    AtomicInteger left = new AtomicInteger(dials.size());
    for (CompletableFuture<Peer> d : dials) {
      d.whenComplete((p, e) -> {
        if (e == null) {
          if (!first.complete(p)) {
            p.close();
          }
        } else if (left.decrementAndGet() == 0) {
          first.completeExceptionally(new PeerException(PeerError.CONNECT, what + " failed: " + message(e), e));
        }
      });
    }
    return first;
  }

  /**
   * Completes once identify finished on every open direct connection (bounded by the message
   * timeout), so the observed addresses are known before we name ours.
   */
  private CompletableFuture<Void> identified() {
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (Peer c : core.connections()) {
      if (c.path() != ConnectionPath.RELAYED && c.isOpen()) {
        all.add(c.identify().handle((i, e) -> null));
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, config.messageTimeout().toMillis() / 2, TimeUnit.MILLISECONDS);
  }

  private int listenPort() {
    for (Multiaddr a : core.listenAddresses()) {
      if (!a.isRelayed()) {
        InetSocketAddress s = a.withoutPeerId().toSocketAddress().orElse(null);
        if (s != null && s.getPort() != 0) {
          return s.getPort();
        }
      }
    }
    throw new IllegalStateException("hole punching needs a listening TCP port to dial from; listen first");
  }

  /**
   * Our addresses for CONNECT: the public ones peers observed, each also with our listening port
   * (a NAT that keeps ports maps our listening port to itself). A, having none, still answers with
   * its direct listen addresses so B's attempt fails on the dial rather than on the message.
   */
  List<Multiaddr> ownAddrs(boolean fallBackToListen) {
    LinkedHashSet<Multiaddr> out = new LinkedHashSet<>();
    int port;
    try {
      port = listenPort();
    } catch (IllegalStateException e) {
      return List.of();
    }
    for (Multiaddr a : observed.candidates()) {
      InetSocketAddress s = a.toSocketAddress().orElse(null);
      if (s == null || s.isUnresolved()) {
        continue;
      }
      out.add(Multiaddr.fromSocketAddress(new InetSocketAddress(s.getAddress(), port)));
      out.add(a.withoutPeerId());
    }
    for (Multiaddr a : core.listenAddresses()) {
      if (observed.filter().test(a)) {
        out.add(a.withoutPeerId());
      }
    }
    if (out.isEmpty() && fallBackToListen) {
      for (Multiaddr a : core.listenAddresses()) {
        if (!a.isRelayed()) {
          out.add(a.withoutPeerId());
        }
      }
    }
    return List.copyOf(out);
  }

  /** Stops serving DCUtR and punching. Connections made stay. */
  @Override
  public void close() {
    closed = true;
    core.removeHandler(DcutrMessages.PROTOCOL);
    PeerException e = new PeerException(PeerError.IO, "hole puncher closed");
    waiters.values().forEach(w -> w.result.completeExceptionally(e));
  }
}
