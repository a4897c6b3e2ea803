package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.HolePunchConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DCUtR ({@code /libp2p/dcutr}, Direct Connection Upgrade through Relay): turns a relayed
 * connection into a direct one by TCP simultaneous open or, when both sides listen on QUIC, a
 * QUIC punch ({@link QuicPunch}), both at once.
 *
 * <p>Roles: <b>A</b> dialed the relayed connection and answers ({@link DcutrResponder}); <b>B</b>
 * received it and initiates ({@link DcutrInitiator}). B opens the DCUtR stream, sends CONNECT with
 * its public addresses ({@link PunchAddresses}) and starts a timer; A answers CONNECT with its own;
 * B takes the round trip as RTT, sends SYNC and dials A's addresses RTT/2 later, while A dials B's
 * as soon as SYNC arrives ({@link SimultaneousOpen}). On the resulting connection A is the client
 * of every protocol (multistream initiator, security client, yamux client) and B the server
 * ({@link UpgradeRoles}). B makes {@link HolePunchConfig#attempts} rounds. The direct connection
 * joins the host's connections next to the relayed one, which stays open.
 *
 * <p>This class wires the two sides to the host: it serves the protocol as A, starts B's punch on
 * every relayed connection we receive, and lets a dialer wait for the punch B makes to us.
 * Thread-safe.
 */
public final class HolePuncher implements AutoCloseable {
  private final Host core;
  private final HolePunchConfig config;
  private final PunchAddresses addresses;
  private final DcutrInitiator initiator;
  private final DcutrResponder responder;
  private final Map<PeerId, Waiter> waiters = new ConcurrentHashMap<>();
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
    Objects.requireNonNull(observed, "observed");
    this.config = Objects.requireNonNull(config, "config");
    this.addresses = new PunchAddresses(core, observed, config);
    SimultaneousOpen open = new SimultaneousOpen(core, addresses, config.dialTimeout());
    this.initiator = new DcutrInitiator(core, config, addresses, open);
    this.responder = new DcutrResponder(core, config, addresses, open, new WaiterRounds());
  }

  /**
   * Serves {@code /libp2p/dcutr} as A (over relayed connections we dialed) and, as B, punches every
   * relayed connection we receive.
   *
   * @return this hole puncher
   */
  public HolePuncher start() {
    core.handle(DcutrMessages.PROTOCOL, responder::onStream);
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

  /**
   * A side: completes with the direct connection to {@code peer} once a punch wins (or B dials us
   * directly: connection reversal), or fails once B's attempts all failed or {@code timeout}
   * passed. Call before (or just after) opening the relayed connection: B starts punching as soon
   * as it has it.
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
      Throwable c = err instanceof CompletionException ? err.getCause() : err;
      if (c instanceof TimeoutException) {
        return CompletableFuture.failedFuture(new PeerTimeoutException(
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
    return addresses.identified().thenApply(x -> !addresses.own(false).isEmpty());
  }

  /**
   * B side: punches through {@code relayed} (a relayed connection the remote dialed to us). Tries a
   * direct dial first when the remote lists public addresses (connection reversal), then up to
   * {@link HolePunchConfig#attempts} CONNECT/SYNC rounds. Completes with the direct connection.
   *
   * @param relayed the relayed connection to punch through
   * @return a future that completes with the direct connection
   */
  public CompletableFuture<Peer> punch(Peer relayed) {
    return initiator.punch(relayed);
  }

  /** Hands the outcome of each round A answered to whoever waits for a punch from that peer. */
  private final class WaiterRounds implements DcutrResponder.Rounds {
    @Override
    public void succeeded(PeerId peer, Peer direct) {
      Waiter w = waiters.get(peer);
      if (w != null) {
        w.result.complete(direct);
      }
    }

    @Override
    public void failed(PeerId peer, Throwable err) {
      Waiter w = waiters.get(peer);
      if (w != null && w.failures.incrementAndGet() >= config.attempts()) {
        w.result.completeExceptionally(new PeerException(PeerError.CONNECT,
            "hole punching with " + peer + " failed " + config.attempts() + " times; last: " + FirstConnection.reason(err)));
      }
    }
  }

  /** Stops serving DCUtR and punching. Connections made stay. */
  @Override
  public void close() {
    closed = true;
    initiator.close();
    core.removeHandler(DcutrMessages.PROTOCOL);
    PeerException e = new PeerException(PeerError.IO, "hole puncher closed");
    waiters.values().forEach(w -> w.result.completeExceptionally(e));
  }
}
