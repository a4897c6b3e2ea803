package io.peerlink.relay.internal.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The record and provider stores at their limits, and the {@code /pk/} validator. */
class StoresTest {
  private final AtomicLong now = new AtomicLong();
  private final PeerId self = Identity.generate().peerId();
  private final PeerId remote = Identity.generate().peerId();
  /** Any value is valid in {@code /t/}; the longer value wins. */
  private final Validators validators = new Validators(Map.of("t", new RecordValidator() {
    @Override
    public boolean isValid(byte[] key, byte[] value) {
      return true;
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
      return values.get(0).length >= values.get(1).length ? 0 : 1;
    }
  }));

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void publicKeyRecordsAreValidOnlyForTheirOwnPeer() {
    Identity id = Identity.generate();
    byte[] key = PublicKeyValidator.keyFor(id.peerId());
    Validators v = new Validators(Map.of());
    assertThat(v.isValid(key, id.publicKey().marshal())).isTrue();
    assertThat(v.isValid(key, Identity.generate().publicKey().marshal())).isFalse();
    assertThat(v.isValid(key, new byte[] {1, 2})).isFalse();
    assertThat(v.isValid(key("/pk/"), id.publicKey().marshal())).isFalse();
    assertThat(v.isValid(key("/unknown/x"), new byte[1])).as("no validator for the namespace").isFalse();
    assertThat(v.isValid(key("no-namespace"), new byte[1])).isFalse();
    assertThat(Validators.namespace(key("/ipns/abc"))).isEqualTo("ipns");
  }

  @Test
  void recordBytesAreBoundedAtTheLimit() {
    RecordStore s = new RecordStore(self, validators, 10, 8, 10, 1000, now::get);
    assertThat(s.put(key("/t/a"), new byte[8], remote)).isEqualTo(RecordStore.Outcome.STORED);
    assertThat(s.put(key("/t/b"), new byte[9], remote)).isEqualTo(RecordStore.Outcome.LIMIT);
    assertThat(s.put(key("/x/b"), new byte[1], remote)).isEqualTo(RecordStore.Outcome.INVALID);
  }

  @Test
  void recordsInAllAndPerPeerAreBounded() {
    RecordStore s = new RecordStore(self, validators, 3, 100, 2, 1000, now::get);
    assertThat(s.put(key("/t/1"), new byte[1], remote)).isEqualTo(RecordStore.Outcome.STORED);
    assertThat(s.put(key("/t/2"), new byte[1], remote)).isEqualTo(RecordStore.Outcome.STORED);
    assertThat(s.put(key("/t/3"), new byte[1], remote)).as("the peer's share is used up").isEqualTo(RecordStore.Outcome.LIMIT);
    assertThat(s.put(key("/t/2"), new byte[2], remote)).as("replacing its own record is fine").isEqualTo(RecordStore.Outcome.STORED);
    assertThat(s.put(key("/t/3"), new byte[1], self)).as("our own puts are not charged").isEqualTo(RecordStore.Outcome.STORED);
    assertThat(s.put(key("/t/4"), new byte[1], Identity.generate().peerId())).as("the store is full").isEqualTo(RecordStore.Outcome.LIMIT);
    now.set(1000);
    assertThat(s.get(key("/t/1"))).as("expired").isNull();
    assertThat(s.put(key("/t/4"), new byte[1], Identity.generate().peerId())).isEqualTo(RecordStore.Outcome.STORED);
  }

  @Test
  void theBetterValueIsKept() {
    RecordStore s = new RecordStore(self, validators, 10, 100, 10, 1000, now::get);
    s.put(key("/t/a"), new byte[3], remote);
    assertThat(s.put(key("/t/a"), new byte[2], remote)).isEqualTo(RecordStore.Outcome.KEPT_EXISTING);
    assertThat(s.put(key("/t/a"), new byte[4], remote)).isEqualTo(RecordStore.Outcome.STORED);
    assertThat(s.get(key("/t/a")).value()).hasSize(4);
  }

  @Test
  void providersExpireAfterTheirTtlAndAreBounded() {
    ProviderStore s = new ProviderStore(self, 3, 2, 1000, now::get);
    KadPeer r = new KadPeer(remote, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")));
    assertThat(s.add(new byte[ProviderStore.MAX_KEY_BYTES], r)).isTrue();
    assertThat(s.add(new byte[ProviderStore.MAX_KEY_BYTES + 1], r)).as("key too long").isFalse();
    assertThat(s.add(new byte[] {1}, r)).isTrue();
    assertThat(s.add(new byte[] {2}, r)).as("the provider's share is used up").isFalse();
    assertThat(s.add(new byte[] {1}, r)).as("renewing is fine").isTrue();
    assertThat(s.add(new byte[] {2}, new KadPeer(self, List.of()))).isTrue();
    assertThat(s.add(new byte[] {3}, new KadPeer(self, List.of()))).as("the store is full").isFalse();
    assertThat(s.get(new byte[] {1}, 10)).containsExactly(r);

    now.set(999);
    assertThat(s.get(new byte[] {1}, 10)).hasSize(1);
    now.set(1000);
    assertThat(s.get(new byte[] {1}, 10)).as("48 h later (here 1000 ns), gone").isEmpty();
    s.expire();
    assertThat(s.size()).isZero();
    assertThat(s.add(new byte[] {2}, r)).isTrue();
  }

  @Test
  void inboundLimitsAtTheirBoundaries() {
    InboundLimits l = new InboundLimits(2, 3, now::get);
    assertThat(l.tryOpenStream(remote)).isTrue();
    assertThat(l.tryOpenStream(remote)).isTrue();
    assertThat(l.tryOpenStream(remote)).isFalse();
    assertThat(l.tryOpenStream(self)).as("per peer").isTrue();
    l.streamClosed(remote);
    assertThat(l.tryOpenStream(remote)).isTrue();

    for (int i = 0; i < 3; i++) {
      assertThat(l.tryRequest(remote)).isTrue();
    }
    assertThat(l.tryRequest(remote)).isFalse();
    now.addAndGet(1_000_000_000L / 3 + 1);
    assertThat(l.tryRequest(remote)).isTrue();
    assertThat(l.tryRequest(remote)).isFalse();
  }
}
