package io.peerlink.relay.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.server.RelayLimiter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitTableTest {
  private final PeerId a = Identity.generate().peerId();
  private final PeerId b = Identity.generate().peerId();
  private final PeerId c = Identity.generate().peerId();

  @Test
  void perPeerCountsSourceAndTarget() {
    CircuitTable t = new CircuitTable(RelayLimiter.builder().maxCircuitsPerPeer(2).build());
    CircuitTable.Circuit one = t.tryOpen(a, b, Instant.EPOCH);
    assertThat(t.tryOpen(c, b, Instant.EPOCH)).isNotNull();
    assertThat(t.tryOpen(c, b, Instant.EPOCH)).isNull();   // b is in 2 circuits
    assertThat(t.tryOpen(b, a, Instant.EPOCH)).isNull();   // as source too
    one.release();
    one.release();
    assertThat(t.countFor(b)).isEqualTo(1);
    assertThat(t.tryOpen(c, b, Instant.EPOCH)).isNotNull();
  }

  @Test
  void totalLimit() {
    CircuitTable t = new CircuitTable(RelayLimiter.builder().maxCircuits(1).build());
    assertThat(t.tryOpen(a, b, Instant.EPOCH)).isNotNull();
    assertThat(t.tryOpen(c, a, Instant.EPOCH)).isNull();
    assertThat(t.snapshot()).hasSize(1);
  }
}
