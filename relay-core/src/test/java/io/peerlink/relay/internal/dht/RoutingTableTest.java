package io.peerlink.relay.internal.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  private static final List<Multiaddr> ADDRS = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"));
  private final AtomicLong now = new AtomicLong();
  private final PeerId self = Identity.generate().peerId();

  /** A peer whose key shares exactly {@code cpl} leading bits with ours. */
  private PeerId peerAt(int cpl) {
    KadKey me = KadKey.of(self);
    while (true) {
      PeerId p = Identity.generate().peerId();
      if (me.commonPrefixLength(KadKey.of(p)) == cpl) {
        return p;
      }
    }
  }

  @Test
  void aFullBucketRefusesANewcomerUntilOneOfItsPeersGoesStale() {
    RoutingTable t = new RoutingTable(self, 3, 1000, now::get);
    List<PeerId> first = List.of(peerAt(0), peerAt(0), peerAt(0));
    first.forEach(p -> assertThat(t.tryAdd(p, ADDRS)).isTrue());
    PeerId late = peerAt(0);
    assertThat(t.tryAdd(late, ADDRS)).isFalse();
    assertThat(t.tryAdd(peerAt(1), ADDRS)).as("another bucket has room").isTrue();

    now.set(999);
    assertThat(t.tryAdd(late, ADDRS)).as("nobody stale yet").isFalse();
    now.set(1000);
    t.markUseful(first.get(0));
    t.markUseful(first.get(2));
    assertThat(t.tryAdd(late, ADDRS)).isTrue();
    assertThat(t.contains(first.get(1))).as("the stale one made room").isFalse();
    assertThat(t.size()).isEqualTo(4);
  }

  @Test
  void ourselvesNeverEnterAndAddingTwiceUpdatesAddresses() {
    RoutingTable t = new RoutingTable(self, 20, 1000, now::get);
    assertThat(t.tryAdd(self, ADDRS)).isFalse();
    PeerId p = Identity.generate().peerId();
    t.tryAdd(p, ADDRS);
    List<Multiaddr> moved = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/2"));
    assertThat(t.tryAdd(p, moved)).isTrue();
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.peers()).containsExactly(new KadPeer(p, moved));
    assertThat(t.remove(p)).isTrue();
    assertThat(t.remove(p)).isFalse();
    assertThat(t.size()).isZero();
  }

  @Test
  void closestIsOrderedByXorDistance() {
    RoutingTable t = new RoutingTable(self, 20, 1000, now::get);
    List<PeerId> all = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      PeerId p = Identity.generate().peerId();
      if (t.tryAdd(p, ADDRS)) {
        all.add(p);
      }
    }
    KadKey target = KadKey.of("some key".getBytes());
    all.sort(Comparator.comparing(KadKey::of, target.byDistance()));
    assertThat(t.closest(target, 7)).extracting(KadPeer::id).containsExactlyElementsOf(all.subList(0, 7));
  }

  @Test
  void bucketsGoStaleUntilALookupPassesThroughThem() {
    RoutingTable t = new RoutingTable(self, 20, 1000, now::get);
    t.tryAdd(peerAt(2), ADDRS);
    assertThat(t.staleBuckets(10)).isEmpty();
    now.set(10);
    assertThat(t.staleBuckets(10)).containsExactly(0, 1, 2, 3);
    t.refreshed(KadKey.of(peerAt(1)));
    assertThat(t.staleBuckets(10)).containsExactly(0, 2, 3);
  }

  @Test
  void commonPrefixLengthAndDistance() {
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    b[0] = 0x10; // differs at bit 3
    assertThat(KadKey.ofHash(a).commonPrefixLength(KadKey.ofHash(b))).isEqualTo(3);
    assertThat(KadKey.ofHash(a).commonPrefixLength(KadKey.ofHash(a))).isEqualTo(256);
    byte[] c = new byte[32];
    c[31] = 1;
    KadKey zero = KadKey.ofHash(a);
    assertThat(zero.compareDistance(KadKey.ofHash(c), KadKey.ofHash(b))).isNegative();
  }
}
