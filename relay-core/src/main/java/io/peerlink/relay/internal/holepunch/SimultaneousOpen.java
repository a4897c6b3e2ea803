package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.DialAttempt;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.PunchExpectation;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The dial both sides of a DCUtR round make at the same moment: every address of the remote at
 * once, each from our listening port (SO_REUSEADDR + SO_REUSEPORT), so the NAT mappings peers
 * observed are the ones our SYNs use and the two sides' SYNs cross. The first connection wins and
 * is upgraded in the role {@link UpgradeRoles} gives the side, whichever end's SYN made it.
 *
 * <p>A side first {@linkplain #expect expects} the remote's SYN (before its own dial starts, since
 * that SYN may arrive first), then {@linkplain #dial dials}. Thread-safe.
 */
final class SimultaneousOpen {
  private final Host core;
  private final PunchAddresses addresses;
  private final Duration dialTimeout;

  /**
   * @param core the host's internals
   * @param addresses where the listening port comes from
   * @param dialTimeout how long the dial (and a remote SYN our listener took) may take
   */
  SimultaneousOpen(Host core, PunchAddresses addresses, Duration dialTimeout) {
    this.core = core;
    this.addresses = addresses;
    this.dialTimeout = dialTimeout;
  }

  /**
   * A round's expected remote SYNs (see {@link Host#expectPunch}); {@code withdraw} once the
   * round ended.
   *
   * @param expectation the host's registration
   * @param role our side of the upgrade
   * @param remotes the remote's dialable addresses
   * @param withdraw withdraws the registration
   */
  record Expected(PunchExpectation expectation, Direction role, List<InetSocketAddress> remotes,
      Runnable withdraw) {}

  /**
   * Registers the remote's dialable addresses among {@code addrs} as expected punch sources: a SYN
   * from one of them that reaches our listener is upgraded in {@code role}.
   *
   * @param peer the remote
   * @param addrs the addresses it sent in CONNECT
   * @param role our side of the upgrade
   * @return the registration
   */
  Expected expect(PeerId peer, List<Multiaddr> addrs, Direction role) {
    List<InetSocketAddress> remotes = PunchAddresses.dialable(addrs);
    PunchExpectation e = core.expectPunch(peer, role, remotes);
    return new Expected(e, role, remotes, e::withdraw);
  }

  /**
   * Dials every expected address from our listening port at once, in the expected role; the first
   * to connect wins. When the remote's SYN reaches our listener before ours leaves (loopback; a
   * NAT that filters by endpoint only), the kernel hands the connection to the listener and our
   * own dial to that address fails: the listener then upgrades it in the role too
   * ({@link Host#expectPunch}), and it wins. Withdraws the expectation once decided.
   *
   * @param peer the remote
   * @param addrs the addresses it sent, for messages
   * @param ex the expectation registered for this round
   * @return a future that completes with the direct connection
   */
  CompletableFuture<Peer> dial(PeerId peer, List<Multiaddr> addrs, Expected ex) {
    InetSocketAddress local = new InetSocketAddress("0.0.0.0", addresses.listenPort());
    List<InetSocketAddress> remotes = ex.remotes();
    Direction role = ex.role();
    if (remotes.isEmpty()) {
      ex.withdraw().run();
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
          "none of " + peer + "'s addresses " + addrs + " is an IPv4 TCP address"));
    }
    Runnable withdraw = ex.withdraw();
    PunchExpectation expected = ex.expectation();
    long started = System.nanoTime();
    List<DialAttempt> attempts = new ArrayList<>();
    for (InetSocketAddress remote : remotes) {
      attempts.add(core.dialFromListenPort(peer, remote, local, role, ConnectionPath.HOLE_PUNCHED, dialTimeout));
    }
    CompletableFuture<Peer> dialed = FirstConnection.first(attempts.stream().map(DialAttempt::result).toList(),
        "punch to " + addrs);
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
        long left = dialTimeout.toNanos() - (System.nanoTime() - started);
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
      withdraw.run();
      attempts.forEach(at -> at.cancel().run());
    });
    return first;
  }
}
