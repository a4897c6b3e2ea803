package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.PathQuality;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.Stream;
import io.peerlink.core.event.PathChangeReason;
import io.peerlink.core.event.PathHealth;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.metrics.MicrometerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Liveness probes over real connections on 127.0.0.1, with the default settings: a peer reached
 * directly and through a (stand-in) relayed connection; the direct one silently stops carrying
 * frames. New streams must move to the relayed one within about 2 s (keep-alive alone needs up to
 * 40 s), the direct one stays open, and when it carries frames again new streams go back to it.
 */
@Timeout(60)
class LivenessProbeLoopbackTest {
  record Change(Peer from, Peer to, PathChangeReason reason) {}

  record Health(Peer connection, PathHealth health) {}

  private final List<Change> changes = new CopyOnWriteArrayList<>();
  private final List<Health> health = new CopyOnWriteArrayList<>();
  private final EventListener events = new EventListener() {
    @Override
    public void pathChanged(PeerId peer, Peer from, Peer to, PathChangeReason reason) {
      changes.add(new Change(from, to, reason));
    }

    @Override
    public void pathHealthChanged(PeerId peer, Peer connection, PathHealth h) {
      health.add(new Health(connection, h));
    }
  };
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private HandlePeers peers;

  @AfterEach
  void close() throws Exception {
    if (peers != null) {
      peers.close();
    }
  }

  private static PathQuality qualityOf(PeerHandle handle, Peer c) {
    return handle.quality().stream().filter(q -> q.connection() == c).findFirst().orElseThrow();
  }

  @Test
  void aSilentDirectPathGivesWayToTheRelayedOneWithinTwoSecondsWithDefaultSettingsAndComesBack() throws Exception {
    // Only the security protocol differs from the defaults (Noise needs no certificate).
    PeerConfig config = PeerConfig.builder().securityProtocols(SecurityProtocol.NOISE).build();
    assertThat(config.keepAliveInterval()).isEqualTo(Duration.ofSeconds(30));
    peers = new HandlePeers(config, events, new MicrometerMetrics(registry));
    PeerConnection relayed = peers.relayed(null);
    PeerConnection direct = peers.direct();
    PeerHandle handle = peers.handle();
    assertThat(handle.current()).contains(direct);
    // Probes have measured the direct path before it goes silent.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> direct.rttNanos() > 0);

    Blackhole hole = Blackhole.on(direct);
    long start = System.nanoTime();
    Awaitility.await("new streams leave the silent path").atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5)).until(() -> handle.current().orElseThrow() == relayed);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.println("silent direct path left after " + tookMs + " ms");
    assertThat(tookMs).as("interval (500 ms) + least probe wait (1 s), with room for a loaded machine")
        .isLessThan(2_500);
    assertThat(changes).last().isEqualTo(new Change(direct, relayed, PathChangeReason.PATH_UNRESPONSIVE));
    assertThat(health).contains(new Health(direct, PathHealth.UNRESPONSIVE));
    assertThat(qualityOf(handle, direct).health()).isEqualTo(PathHealth.UNRESPONSIVE);
    assertThat(direct.isOpen()).isTrue(); // not closed: it may come back, and keep-alive decides

    // Real data moves on the fallback at once.
    byte[] payload = new byte[2 * 1024 * 1024];
    new Random(14).nextBytes(payload);
    assertThat(Echo.roundTrip(handle, payload).get(20, TimeUnit.SECONDS)).isPositive();
    assertThat(handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS).peer()).isSameAs(relayed);

    // The path carries frames again: answered probes hand new streams back to it.
    hole.on = false;
    Awaitility.await("the direct path comes back").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5)).until(() -> handle.current().orElseThrow() == direct);
    assertThat(changes).last().isEqualTo(new Change(relayed, direct, PathChangeReason.PATH_RECOVERED));
    assertThat(health).last().isEqualTo(new Health(direct, PathHealth.HEALTHY));
    assertThat(Echo.roundTrip(handle, payload).get(20, TimeUnit.SECONDS)).isPositive();

    assertThat(registry.get("peerlink.path.failures").tag("path", "direct").counter().count()).isPositive();
    assertThat(registry.get("peerlink.path.health.changes").tag("health", "unresponsive").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("peerlink.path.changes").tag("reason", "path_unresponsive").counter().count())
        .isEqualTo(1);
  }

  @Test
  void aStreamWaitingForADirectConnectionOpensOnTheSilentOneWhenItAnswersAgain() throws Exception {
    peers = new HandlePeers(PeerConfig.builder().securityProtocols(SecurityProtocol.NOISE).build(), events);
    PeerConnection limited = peers.relayed(new ConnectionLimit(Duration.ofMinutes(2), 1 << 17));
    PeerConnection direct = peers.direct();
    PeerHandle handle = peers.handle();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> direct.rttNanos() > 0);
    Blackhole hole = Blackhole.on(direct);
    Awaitility.await("new streams leave the silent path").atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5)).until(() -> handle.current().orElseThrow() == limited);

    // Echo may not run on a limited connection: the stream waits for a direct one (10 s by default).
    long start = System.nanoTime();
    CompletableFuture<Stream> waiting = handle.newStream(Echo.PROTOCOL_ID, st -> { });
    assertThat(waiting).isNotDone();
    hole.on = false;
    assertThat(waiting.get(20, TimeUnit.SECONDS).peer()).isSameAs(direct);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("served when the direct path answered, not when the wait ran out")
        .isLessThan(PeerConfig.builder().build().waitForDirectConnection());
  }

  @Test
  void aPeerWithOneConnectionIsNotProbed() throws Exception {
    peers = new HandlePeers(HandlePeers.config().livenessProbe(Duration.ofMillis(20), Duration.ofMillis(50)).build(),
        events, new MicrometerMetrics(registry));
    PeerConnection direct = peers.direct();
    PeerHandle handle = peers.handle();
    Blackhole.on(direct);
    // Twenty probe intervals: a probed connection would have been found silent many times over.
    Awaitility.await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5))
        .until(() -> health.isEmpty() && registry.find("peerlink.path.failures").counter() == null);
    assertThat(qualityOf(handle, direct).health()).isEqualTo(PathHealth.HEALTHY);
  }
}
