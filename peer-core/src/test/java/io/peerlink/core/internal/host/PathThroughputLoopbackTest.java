package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.PathQuality;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.event.PathChangeReason;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.metrics.MicrometerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Recent throughput in the choice of path, over real connections on 127.0.0.1: two direct
 * connections with about the same RTT; bulk data moves on the one new streams do not go to (as
 * streams the remote opened there would), and the handle moves new streams to it. The figures
 * reach the user as {@code pathQualityMeasured} events and as metrics.
 */
@Timeout(60)
class PathThroughputLoopbackTest {
  record Change(Peer from, Peer to, PathChangeReason reason) {}

  private final List<Change> changes = new CopyOnWriteArrayList<>();
  private final List<PathQuality> measured = new CopyOnWriteArrayList<>();
  private final EventListener events = new EventListener() {
    @Override
    public void pathChanged(PeerId peer, Peer from, Peer to, PathChangeReason reason) {
      changes.add(new Change(from, to, reason));
    }

    @Override
    public void pathQualityMeasured(PeerId peer, PathQuality quality) {
      measured.add(quality);
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

  @Test
  void aPathThatCarriedClearlyMoreDataRecentlyTakesNewStreamsWhenRttsTie() throws Exception {
    // Quality pings every 100 ms end the throughput intervals; a margin of 90% makes every pair
    // of loopback RTTs a tie, so throughput alone can move the streams.
    peers = new HandlePeers(HandlePeers.config().qualityPingInterval(Duration.ofMillis(100))
        .pathSwitch(0.9, 1000).build(), events, new MicrometerMetrics(registry));
    PeerConnection a = peers.direct();
    PeerConnection b = peers.direct();
    PeerHandle handle = peers.handle();
    assertThat(handle.current()).contains(a);
    Awaitility.await("both paths measured").atMost(Duration.ofSeconds(10))
        .until(() -> handle.quality().stream().allMatch(q -> q.rtt().isPresent()));

    byte[] payload = new byte[8 * 1024 * 1024];
    new Random(14).nextBytes(payload);
    assertThat(Echo.roundTrip(b, payload).get(30, TimeUnit.SECONDS)).isPositive();

    Awaitility.await("new streams follow the throughput").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5)).until(() -> handle.current().orElseThrow() == b);
    assertThat(changes).last().isEqualTo(new Change(a, b, PathChangeReason.BETTER_THROUGHPUT));
    PathQuality bq = handle.quality().get(0);
    assertThat(bq.connection()).isSameAs(b);
    assertThat(bq.recentThroughput()).isGreaterThanOrEqualTo(PathSelector.MIN_THROUGHPUT);
    assertThat(handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS).peer()).isSameAs(b);

    // The user saw the figures: per interval, per path, and as metrics.
    assertThat(measured).anyMatch(q -> q.connection() == b && q.readBytesPerSecond() > 0
        && q.writtenBytesPerSecond() > 0 && q.rtt().isPresent());
    DistributionSummary read = registry.get("peerlink.path.throughput").tag("path", "direct")
        .tag("direction", "read").summary();
    assertThat(read.max()).isGreaterThanOrEqualTo(PathSelector.MIN_THROUGHPUT);
    assertThat(registry.get("peerlink.path.changes").tag("reason", "better_throughput").counter().count())
        .isEqualTo(1);
  }
}
