package io.peerlink.relay.internal.holepunch;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.DialAttempt;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.PunchExpectation;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The QUIC half of a DCUtR round, per the spec's QUIC section: A, who dialed the relayed
 * connection, is the QUIC client and dials B's QUIC addresses from its QUIC listen port as SYNC
 * arrives; B, the server, sends datagrams of random bytes from its QUIC listen socket to A's
 * addresses at random intervals of {@value #MIN_INTERVAL_MS}–{@value #MAX_INTERVAL_MS} ms from
 * when its RTT/2 timer fires, so that its NAT lets A's packets in, and takes A's connection at its
 * listener. Either side gives up after the punch's dial timeout.
 *
 * <p>Thread-safe.
 */
final class QuicPunch {
  /** Each of B's datagrams carries this many random bytes, as go's. */
  static final int PACKET_BYTES = 64;
  /** The spec's shortest wait between B's datagrams. */
  static final long MIN_INTERVAL_MS = 10;
  /** The spec's longest wait between B's datagrams. */
  static final long MAX_INTERVAL_MS = 200;

  private final Host core;
  private final Duration timeout;

  /**
   * @param core the host's internals
   * @param timeout how long a side punches before giving up (the dial timeout)
   */
  QuicPunch(Host core, Duration timeout) {
    this.core = core;
    this.timeout = timeout;
  }

  /**
   * A's side: dials each of {@code remotes} over QUIC from our listen port at once; the first
   * connection wins and the other dials are cancelled.
   *
   * @param peer the remote
   * @param remotes its QUIC addresses
   * @return a future that completes with the punched connection
   */
  CompletableFuture<Peer> dial(PeerId peer, List<InetSocketAddress> remotes) {
    List<DialAttempt> attempts = remotes.stream().map(r -> core.punchQuic(peer, r)).toList();
    CompletableFuture<Peer> first = FirstConnection.first(
        attempts.stream().map(DialAttempt::result).toList(), "QUIC punch to " + remotes);
    CompletableFuture<Peer> bounded = first.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(err -> CompletableFuture.failedFuture(timedOut(err, remotes)));
    // Every dial but the winner's stops (a cancelled dial that connected after all is closed).
    bounded.whenComplete((p, e) -> attempts.forEach(a -> {
      boolean won = p != null && a.result().isDone() && !a.result().isCompletedExceptionally() && a.result().join() == p;
      if (!won) {
        a.cancel().run();
      }
    }));
    return bounded;
  }

  /**
   * B's side: sends random datagrams from our QUIC listen socket to each of {@code remotes} until
   * the connection {@code expected} waits for arrives, or the timeout passes.
   *
   * @param expected the host's registration of A's connection
   * @param remotes A's QUIC addresses
   * @return a future that completes with A's connection
   */
  CompletableFuture<Peer> open(PunchExpectation expected, List<InetSocketAddress> remotes) {
    CompletableFuture<Peer> result = expected.accepted().thenCompose(f -> f)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(err -> CompletableFuture.failedFuture(timedOut(err, remotes)));
    AtomicReference<ScheduledFuture<?>> next = new AtomicReference<>();
    result.whenComplete((p, e) -> {
      ScheduledFuture<?> n = next.get();
      if (n != null) {
        n.cancel(false);
      }
    });
    if (!send(remotes)) {
      expected.accepted().completeExceptionally(new PeerException(PeerError.CONNECT,
          "no QUIC listen socket to send the punch's packets to " + remotes + " from"));
      return result;
    }
    scheduleNext(remotes, result, next);
    return result;
  }

  private void scheduleNext(List<InetSocketAddress> remotes, CompletableFuture<Peer> result,
      AtomicReference<ScheduledFuture<?>> next) {
    if (result.isDone()) {
      return;
    }
    long wait = ThreadLocalRandom.current().nextLong(MIN_INTERVAL_MS, MAX_INTERVAL_MS + 1);
    next.set(core.eventLoops().next().schedule(() -> {
      if (!result.isDone()) {
        send(remotes);
        scheduleNext(remotes, result, next);
      }
    }, wait, TimeUnit.MILLISECONDS));
    if (result.isDone()) {
      next.get().cancel(false); // ended while scheduling
    }
  }

  /** Sends one datagram to each remote; false if none could leave (no QUIC listen socket fits). */
  private boolean send(List<InetSocketAddress> remotes) {
    boolean any = false;
    for (InetSocketAddress r : remotes) {
      byte[] payload = new byte[PACKET_BYTES];
      ThreadLocalRandom.current().nextBytes(payload);
      any |= core.sendFromQuicListenSocket(r, payload);
    }
    return any;
  }

  private Throwable timedOut(Throwable err, List<InetSocketAddress> remotes) {
    Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (c instanceof TimeoutException) {
      return new PeerTimeoutException("no QUIC connection with " + remotes + " within " + timeout.toMillis() + " ms");
    }
    return c;
  }
}
