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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The punch both sides of a DCUtR round make at the same moment, over TCP, QUIC or both, as the
 * addresses the two sides exchanged allow.
 *
 * <p>TCP: every TCP address of the remote at once, each from our listening port (SO_REUSEADDR +
 * SO_REUSEPORT), so the NAT mappings peers observed are the ones our SYNs use and the two sides'
 * SYNs cross. The first connection wins and is upgraded in the role {@link UpgradeRoles} gives the
 * side, whichever end's SYN made it.
 *
 * <p>QUIC ({@link QuicPunch}): A dials B's QUIC addresses from its QUIC listen port, B sends
 * random datagrams to A's from its own and takes A's connection at its listener.
 *
 * <p>With both, the two run at once and the first connection of either wins the round; one of the
 * other transport that arrives later is kept beside it (the two sides may see different winners,
 * and closing a loser could close the other side's winner). A side first {@linkplain #expect
 * expects} the remote's connection (before its own dial starts, since the remote's may arrive
 * first), then {@linkplain #dial dials}. Thread-safe.
 */
final class SimultaneousOpen {
  private final Host core;
  private final PunchAddresses addresses;
  private final Duration dialTimeout;
  private final QuicPunch quic;

  /**
   * @param core the host's internals
   * @param addresses where the listening port and the remote's usable addresses come from
   * @param dialTimeout how long the dial (and a remote SYN our listener took) may take
   */
  SimultaneousOpen(Host core, PunchAddresses addresses, Duration dialTimeout) {
    this.core = core;
    this.addresses = addresses;
    this.dialTimeout = dialTimeout;
    this.quic = new QuicPunch(core, dialTimeout);
  }

  /**
   * A round's expected remote connections (see {@link Host#expectPunch} and
   * {@link Host#expectQuicPunch}); {@code withdraw} once the round ended.
   *
   * @param expectation the host's registration of TCP SYNs
   * @param role our side of the upgrade on a TCP connection
   * @param remotes the remote's TCP addresses
   * @param quicExpectation the host's registration of the remote's QUIC connection, or null when
   *     we are the QUIC client (A) or the remote offered no QUIC address
   * @param quicRemotes the remote's QUIC addresses
   * @param quicServer whether we are the QUIC server (B), who sends datagrams and waits
   * @param withdraw withdraws the registrations
   */
  record Expected(PunchExpectation expectation, Direction role, List<InetSocketAddress> remotes,
      PunchExpectation quicExpectation, List<InetSocketAddress> quicRemotes, boolean quicServer,
      Runnable withdraw) {}

  /**
   * Registers the remote's TCP addresses among {@code addrs} as expected punch sources: a SYN from
   * one of them that reaches our listener is upgraded in {@code role}; and, when we are the QUIC
   * server, its QUIC addresses as the sources of its QUIC connection.
   *
   * @param peer the remote
   * @param addrs the addresses it sent in CONNECT
   * @param role our side of the upgrade on a TCP connection
   * @param quicServer whether we are B, the QUIC server
   * @return the registration
   */
  Expected expect(PeerId peer, List<Multiaddr> addrs, Direction role, boolean quicServer) {
    List<InetSocketAddress> remotes = addresses.tcpDialable(addrs);
    List<InetSocketAddress> quicRemotes = addresses.quicDialable(addrs);
    PunchExpectation e = core.expectPunch(peer, role, remotes);
    PunchExpectation q = quicServer && !quicRemotes.isEmpty() ? core.expectQuicPunch(peer, quicRemotes) : null;
    Runnable withdraw = () -> {
      e.withdraw();
      if (q != null) {
        q.withdraw();
      }
    };
    return new Expected(e, role, remotes, q, quicRemotes, quicServer, withdraw);
  }

  /**
   * Punches over every transport both sides offered, at once; the first connection wins. Withdraws
   * the expectations once decided.
   *
   * @param peer the remote
   * @param addrs the addresses it sent, for messages
   * @param ex the expectation registered for this round
   * @return a future that completes with the direct connection
   */
  CompletableFuture<Peer> dial(PeerId peer, List<Multiaddr> addrs, Expected ex) {
    List<CompletableFuture<Peer>> legs = new ArrayList<>();
    if (!ex.remotes().isEmpty()) {
      legs.add(tcp(peer, addrs, ex));
    }
    if (!ex.quicRemotes().isEmpty()) {
      legs.add(ex.quicServer() ? quic.open(ex.quicExpectation(), ex.quicRemotes()) : quic.dial(peer, ex.quicRemotes()));
    }
    if (legs.isEmpty()) {
      ex.withdraw().run();
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
          "none of " + peer + "'s addresses " + addrs + " is an IPv4 TCP address or a QUIC address we can punch"));
    }
    CompletableFuture<Peer> first = new CompletableFuture<>();
    AtomicInteger left = new AtomicInteger(legs.size());
    for (CompletableFuture<Peer> leg : legs) {
      leg.whenComplete((p, e) -> {
        if (e == null) {
          first.complete(p); // a later winner of the other transport stays open beside this one
        } else if (left.decrementAndGet() == 0) {
          first.completeExceptionally(e);
        }
      });
    }
    first.whenComplete((p, e) -> ex.withdraw().run());
    return first;
  }

  /**
   * Dials every expected TCP address from our listening port at once, in the expected role; the
   * first to connect wins. When the remote's SYN reaches our listener before ours leaves (loopback;
   * a NAT that filters by endpoint only), the kernel hands the connection to the listener and our
   * own dial to that address fails: the listener then upgrades it in the role too
   * ({@link Host#expectPunch}), and it wins.
   */
  private CompletableFuture<Peer> tcp(PeerId peer, List<Multiaddr> addrs, Expected ex) {
    InetSocketAddress local;
    try {
      local = new InetSocketAddress("0.0.0.0", addresses.listenPort());
    } catch (IllegalStateException noTcpListener) {
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT, noTcpListener.getMessage()));
    }
    List<InetSocketAddress> remotes = ex.remotes();
    Direction role = ex.role();
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
      expected.withdraw();
      attempts.forEach(at -> at.cancel().run());
    });
    return first;
  }
}
