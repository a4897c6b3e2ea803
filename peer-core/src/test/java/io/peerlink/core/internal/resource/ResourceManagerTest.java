package io.peerlink.core.internal.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.Direction;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ResourceLimits;
import io.peerlink.core.ResourceLimits.Resource;
import io.peerlink.core.ResourceLimits.Scope;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The scopes' bookkeeping on its own: refusals change nothing, giving back is exact. */
class ResourceManagerTest {
  private final List<String> refusals = new ArrayList<>();
  private final PeerId peer = Identity.generate().peerId();

  private ResourceManager manager(ResourceLimits limits, int negotiating) {
    return new ResourceManager(limits, negotiating, (scope, resource, remote, detail) ->
        refusals.add(scope + " " + resource));
  }

  @Test
  void aRefusedReservationTakesNothingFromTheScopesThatHadRoom() throws Exception {
    ResourceManager m = manager(ResourceLimits.builder()
        .peer(ResourceLimits.DEFAULT_PEER.withMemory(100)).build(), 8);
    StreamScope s = m.openConnection(peer, Direction.INBOUND, "test").openInbound();
    s.reserveWindow(100);
    assertThatThrownBy(() -> s.reserveWindow(1)).isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("receive window");
    assertThat(refusals).containsExactly("PEER MEMORY");
    assertThat(m.used(Resource.MEMORY)).isEqualTo(100);
    assertThat(s.memory()).isEqualTo(100);
    s.releaseMemory(100);
    assertThat(m.used(Resource.MEMORY)).isZero();
  }

  @Test
  void negotiatingStreamsEndWithTheProtocolAndTheProtocolTakesTheStreamsMemory() throws Exception {
    ResourceManager m = manager(ResourceLimits.defaults(), 2);
    ConnectionScope c = m.openConnection(peer, Direction.INBOUND, "test");
    StreamScope a = c.openInbound();
    StreamScope b = c.openInbound();
    assertThat(c.openInbound()).isNull();
    assertThat(refusals).containsExactly("CONNECTION NEGOTIATING_STREAMS");
    a.reserveWindow(10);
    assertThat(a.setProtocol("/p")).isTrue();
    assertThat(m.usedByProtocol("/p", Resource.MEMORY)).isEqualTo(10);
    assertThat(m.usedByProtocol("/p", Resource.INBOUND_STREAMS)).isEqualTo(1);
    assertThat(c.used(Resource.NEGOTIATING_STREAMS)).isEqualTo(1);
    StreamScope d = c.openInbound(); // a's slot among the negotiating is free again
    assertThat(d).isNotNull();
    a.releaseMemory(10);
    a.done();
    b.done();
    d.done();
    assertThat(m.protocolScopes()).isZero();
    assertThat(c.used(Resource.NEGOTIATING_STREAMS)).isZero();
    assertThat(m.used(Resource.INBOUND_STREAMS)).isZero();
    c.done();
    c.done(); // once only
    assertThat(m.peerScopes()).isZero();
    assertThat(m.used(Resource.INBOUND_CONNECTIONS)).isZero();
  }

  @Test
  void connectionsPerPeerAreRefusedWithALimitErrorAndThePeerScopeGoesWithTheLast() throws Exception {
    ResourceManager m = manager(ResourceLimits.builder()
        .peer(ResourceLimits.DEFAULT_PEER.withConnections(1, 1)).build(), 8);
    ConnectionScope in = m.openConnection(peer, Direction.INBOUND, "test");
    ConnectionScope out = m.openConnection(peer, Direction.OUTBOUND, "test"); // each way counts apart
    assertThatThrownBy(() -> m.openConnection(peer, Direction.INBOUND, "test"))
        .isInstanceOf(LimitExceededException.class).hasMessageContaining("peer limit on inbound_connections");
    in.done();
    assertThat(m.peerScopes()).isEqualTo(1);
    out.done();
    assertThat(m.peerScopes()).isZero();
    assertThat(m.openConnection(peer, Direction.INBOUND, "test")).isNotNull();
  }

  @Test
  void manyThreadsNeverPassTheLimitAndGiveBackExactly() throws Exception {
    long limit = 1_000;
    ResourceManager m = manager(ResourceLimits.builder().system(ResourceLimits.DEFAULT_SYSTEM.withMemory(limit)).build(), 8);
    List<StreamScope> streams = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      streams.add(m.openConnection(Identity.generate().peerId(), Direction.INBOUND, "test").openInbound());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch done = new CountDownLatch(4);
    for (StreamScope s : streams) {
      pool.execute(() -> {
        for (int i = 0; i < 100_000; i++) {
          if (s.tryReserveMemory(7)) {
            assertThat(m.used(Resource.MEMORY)).isLessThanOrEqualTo(limit);
            s.releaseMemory(7);
          }
        }
        done.countDown();
      });
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    pool.shutdown();
    assertThat(m.used(Resource.MEMORY)).isZero();
    assertThat(m.peak(Resource.MEMORY)).isLessThanOrEqualTo(limit);
  }

  @Test
  void windowGrowthTakesAtMostHalfOfEachScopeAndLeavesTheRestToNewStreams() throws Exception {
    ResourceManager m = manager(ResourceLimits.builder()
        .connection(ResourceLimits.DEFAULT_CONNECTION.withMemory(1000)).build(), 8);
    ConnectionScope c = m.openConnection(peer, Direction.INBOUND, "test");
    StreamScope s = c.openInbound();
    s.reserveWindow(300);
    assertThat(s.tryReserveWindowGrowth(200)).isTrue(); // 500: half the limit
    assertThat(s.tryReserveWindowGrowth(1)).isFalse();
    assertThat(refusals).as("growth refused is not a breach").isEmpty();
    StreamScope t = c.openInbound();
    t.reserveWindow(500); // what growth left, new streams may take
    assertThat(m.used(Resource.MEMORY)).isEqualTo(1000);
    s.releaseMemory(500);
    t.releaseMemory(500);
    assertThat(m.used(Resource.MEMORY)).isZero();
  }

  @Test
  void anUnlimitedScopeRefusesNothing() throws Exception {
    StreamScope s = ConnectionScope.unlimited().openOutbound();
    s.reserveWindow(Long.MAX_VALUE / 4);
    s.releaseMemory(Long.MAX_VALUE / 4);
    assertThat(ResourceLimits.unlimited().of(Scope.STREAM).memory()).isEqualTo(Long.MAX_VALUE);
  }
}
