package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.PathQuality;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.event.PathChangeReason;
import io.peerlink.core.identity.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Path health over real connections on 127.0.0.1: one of two direct connections to a peer stops
 * carrying data (its yamux frames are dropped above the encryption, as a blackholed route would
 * lose them, while the socket stays up and keep-alive has not noticed), so its stream opens fail;
 * after {@code pathFailureThreshold} failures in a row new streams move to the healthy one, and
 * once the path carries data again its quality pings bring it back.
 */
@Timeout(60)
class PathHealthLoopbackTest {
  private static final Duration NEGOTIATION = Duration.ofMillis(400);

  record Change(Peer from, Peer to, PathChangeReason reason) {}

  private final List<Change> changes = new CopyOnWriteArrayList<>();
  private final EventListener events = new EventListener() {
    @Override
    public void pathChanged(PeerId peer, Peer from, Peer to, PathChangeReason reason) {
      changes.add(new Change(from, to, reason));
    }
  };
  private HandlePeers peers;

  @AfterEach
  void close() throws Exception {
    if (peers != null) {
      peers.close();
    }
  }

  private static Blackhole blackhole(PeerConnection c) throws Exception {
    return Blackhole.on(c);
  }

  private static PathQuality qualityOf(PeerHandle handle, PeerConnection c) {
    return handle.quality().stream().filter(q -> q.connection() == c).findFirst().orElseThrow();
  }

  private static void await(String what, BooleanSupplier condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
        .until(condition::getAsBoolean);
  }

  @Test
  void streamsMoveOffAConnectionThatFailsThreeTimesInARowAndItComesBackAfterTwoAnsweredPings() throws Exception {
    // Quality pings on (every 150 ms): they are what brings a demoted connection back. RTT
    // switching made all but impossible, so that only health moves streams between a and b.
    peers = new HandlePeers(HandlePeers.config().streamNegotiationTimeout(NEGOTIATION)
        .qualityPingInterval(Duration.ofMillis(150)).pathSwitch(0.9, 1000).pathHealth(3, 2).build(), events);
    PeerConnection a = peers.direct();
    PeerConnection b = peers.direct();
    PeerHandle handle = peers.handle();
    assertThat(handle.current()).contains(a);
    Blackhole hole = blackhole(a);

    // Two failures in a row: the caller sees them, streams stay on a (one failure is noise).
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
    // The third demotes a; the same call is retried on b and succeeds.
    assertThat(handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS).peer()).isSameAs(b);
    assertThat(handle.current()).contains(b);
    assertThat(changes).contains(new Change(a, b, PathChangeReason.PATH_FAILING));
    assertThat(qualityOf(handle, a).demoted()).isTrue();
    assertThat(handle.quality().get(0).connection()).isSameAs(b);
    // Real data moves on the healthy path at once.
    byte[] payload = new byte[4 * 1024 * 1024];
    new Random(14).nextBytes(payload);
    assertThat(Echo.roundTrip(handle, payload).get(20, TimeUnit.SECONDS)).isPositive();
    assertThat(a.isOpen()).isTrue(); // demoted, not closed: keep-alive decides that

    // The path carries data again: answered quality pings end the demotion.
    hole.on = false;
    await("a recovers", () -> !qualityOf(handle, a).demoted());
    assertThat(handle.current()).contains(b); // recovery alone moves nothing

    // Now b fails: streams go back to a, which they could not if a were still demoted.
    Blackhole holeB = blackhole(b);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
    assertThat(handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS).peer()).isSameAs(a);
    assertThat(changes).last().isEqualTo(new Change(b, a, PathChangeReason.PATH_FAILING));
    holeB.on = false;
  }

  @Test
  void aBlackholedConnectionIsClosedByKeepAliveWithinIntervalPlusTimeoutAndStreamsMoveOn() throws Exception {
    peers = new HandlePeers(HandlePeers.config().keepAliveInterval(Duration.ofMillis(200))
        .keepAliveTimeout(Duration.ofMillis(600)).build(), events);
    PeerConnection relayed = peers.relayed(null);
    PeerConnection direct = peers.direct();
    PeerHandle handle = peers.handle();
    assertThat(handle.current()).contains(direct);

    blackhole(direct);
    long start = System.nanoTime();
    // With the 10 s default timeout this would take over 10 s.
    Awaitility.await("the blackholed connection closes").atMost(Duration.ofSeconds(4))
        .pollInterval(Duration.ofMillis(5)).until(() -> !direct.isOpen());
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS).peer()).isSameAs(relayed);
    assertThat(changes).contains(new Change(direct, relayed, PathChangeReason.PATH_LOST));
    System.out.println("blackholed connection closed by keep-alive after " + tookMs + " ms");
  }

  @Test
  void aProtocolThePeerRefusesIsNotAPathFailure() throws Exception {
    peers = new HandlePeers(HandlePeers.config().pathHealth(1, 1).build(), events);
    PeerConnection a = peers.direct();
    peers.direct();
    PeerHandle handle = peers.handle();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> handle.newStream("/nobody/speaks/this", st -> { }).get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
    assertThat(handle.current()).contains(a);
    assertThat(qualityOf(handle, a).demoted()).isFalse();
    assertThat(changes).noneMatch(c -> c.reason() == PathChangeReason.PATH_FAILING);
  }
}
