package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.DialAttempt;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One happy-eyeballs round over fake attempts: staggered starts, first wins, the rest cancelled. */
@Timeout(30)
class DialRaceTest {
  private static final Duration LONG = Duration.ofHours(1);
  private static final PeerId PEER = Identity.generate().peerId();

  private final DefaultEventExecutorGroup timers = new DefaultEventExecutorGroup(1);
  private final List<Integer> started = new CopyOnWriteArrayList<>();
  private final Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
  private final List<Integer> cancelled = new CopyOnWriteArrayList<>();
  private final Map<Integer, CompletableFuture<Peer>> attempts = new ConcurrentHashMap<>();

  @AfterEach
  void stopTimers() {
    timers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  private static List<DialTarget> targets(int n) {
    return IntStream.range(0, n).mapToObj(i -> {
      InetSocketAddress s = new InetSocketAddress("127.0.0.1", 4000 + i);
      return new DialTarget(s, Multiaddr.fromSocketAddress(s));
    }).toList();
  }

  /** A race whose attempt for target i is {@code attempts.get(i)}, completed by the test. */
  private DialRace race(int n, Duration stagger) {
    return new DialRace(PEER, targets(n), stagger, () -> 0, timers, t -> {
      int i = t.socket().getPort() - 4000;
      CompletableFuture<Peer> f = new CompletableFuture<>();
      attempts.put(i, f);
      startedAt.put(i, System.nanoTime());
      started.add(i);
      return new DialAttempt(f, () -> cancelled.add(i));
    });
  }

  private static Peer peer() {
    return (Peer) Proxy.newProxyInstance(Peer.class.getClassLoader(), new Class<?>[] {Peer.class},
        (proxy, method, args) -> method.getName().equals("toString") ? "fake peer" : null);
  }

  @Test
  void theFirstAddressStartsAtOnceAndTheNextAfterTheStagger() {
    DialRace r = race(3, Duration.ofMillis(50));
    long begun = System.nanoTime();
    r.start();
    assertThat(started).containsExactly(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> started.size() == 3);
    assertThat(started).containsExactly(0, 1, 2);
    // Each start arms the next one's timer, so the n-th address starts n staggers after the race.
    assertThat(Duration.ofNanos(startedAt.get(1) - begun)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(Duration.ofNanos(startedAt.get(2) - begun)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }

  @Test
  void theFirstSuccessWinsAndTheOthersAreCancelled() throws Exception {
    DialRace r = race(3, Duration.ofMillis(1));
    CompletableFuture<Peer> outcome = r.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.size() == 3);
    Peer winner = peer();
    attempts.get(1).complete(winner);
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isSameAs(winner);
    assertThat(cancelled).containsExactlyInAnyOrder(0, 2);

    attempts.get(2).complete(peer()); // a later winner is closed
    assertThat(cancelled).containsExactlyInAnyOrder(0, 2, 2);
  }

  @Test
  void aFailureStartsTheNextAddressWithoutWaitingForTheStagger() {
    DialRace r = race(2, LONG);
    r.start();
    assertThat(started).containsExactly(0);
    attempts.get(0).completeExceptionally(new PeerException(PeerError.CONNECT, "refused"));
    assertThat(started).containsExactly(0, 1);
  }

  @Test
  void whenEveryAddressFailsTheRoundFailsOnceNamingEachError() {
    DialRace r = race(3, LONG);
    CompletableFuture<Peer> outcome = r.start();
    attempts.get(0).completeExceptionally(new PeerException(PeerError.CONNECT, "refused"));
    attempts.get(1).completeExceptionally(new HandshakeException("wrong peer"));
    assertThat(outcome).isNotDone();
    attempts.get(2).completeExceptionally(new PeerException(PeerError.IO, "reset"));

    PeerException e = (PeerException) outcome.handle((p, err) -> err).join();
    // The error another round cannot cure is the one that tells: here the TLS failure.
    assertThat(e.kind()).isEqualTo(PeerError.TLS);
    assertThat(e.getMessage()).contains("at any of its 3 addresses", "refused", "wrong peer", "reset");
  }

  @Test
  void aSingleFailureIsReportedAsItIs() {
    DialRace r = race(1, LONG);
    CompletableFuture<Peer> outcome = r.start();
    PeerException only = new PeerException(PeerError.CONNECT, "refused");
    attempts.get(0).completeExceptionally(only);
    assertThat(outcome.handle((p, err) -> err).join()).isSameAs(only);
  }

  @Test
  void timeoutsEverywhereMakeATimeoutError() {
    DialRace r = race(2, LONG);
    CompletableFuture<Peer> outcome = r.start();
    attempts.get(0).completeExceptionally(new PeerTimeoutException("slow"));
    attempts.get(1).completeExceptionally(new PeerTimeoutException("slower"));
    assertThat(outcome.handle((p, err) -> err).join()).isInstanceOf(PeerTimeoutException.class);
  }

  @Test
  void cancellingStopsTheAttemptsAndStartsNoMore() {
    DialRace r = race(2, Duration.ofMillis(20));
    CompletableFuture<Peer> outcome = r.start();
    r.cancel();
    assertThat(cancelled).containsExactly(0);
    attempts.get(0).completeExceptionally(new PeerException(PeerError.CONNECT, "refused"));
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
    assertThat(outcome).isNotDone();
  }
}
