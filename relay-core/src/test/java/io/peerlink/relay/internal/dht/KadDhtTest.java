package io.peerlink.relay.internal.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.Listener;
import io.peerlink.core.ListenerLimits;
import io.peerlink.core.event.Reachability;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.RecordValidator;
import io.peerlink.relay.internal.proto.KadProtos.Message;
import io.peerlink.relay.internal.proto.KadProtos.Message.MessageType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A few DHT nodes on loopback: GET_VALUE's selection and correction, and AUTO mode. */
@Timeout(120)
class KadDhtTest {
  /** {@code /t/}: any value is valid, the longest wins. */
  private static final RecordValidator LONGEST = new RecordValidator() {
    @Override
    public boolean isValid(byte[] key, byte[] value) {
      return true;
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
      int best = 0;
      for (int i = 1; i < values.size(); i++) {
        if (values.get(i).length > values.get(best).length) {
          best = i;
        }
      }
      return best;
    }
  };

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private Listener listener() {
    Listener l = Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limits(ListenerLimits.builder().exemptLoopback(true).build()).build().start().join();
    open.add(l);
    return l;
  }

  private KadDht dht(Listener l, DhtConfig config) {
    KadDht d = new KadDht(Host.of(l), config).start();
    open.add(d);
    return d;
  }

  private static byte[] value(KadClient c, Listener at, byte[] key) throws Exception {
    Message reply = get(c.request(new KadPeer(at.peerId(), at.listenAddresses()),
        KadMessages.request(MessageType.GET_VALUE, key)));
    return reply.hasRecord() ? reply.getRecord().getValue().toByteArray() : null;
  }

  @Test
  void getValueSelectsTheBestValueAndCorrectsPeersThatHeldAnother() throws Exception {
    List<Listener> ls = new ArrayList<>();
    List<KadDht> ds = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Listener l = listener();
      DhtConfig.Builder cb = DhtConfig.builder().mode(DhtConfig.Mode.SERVER).validator("t", LONGEST);
      if (i > 0) {
        cb.bootstrap(ls.get(0).listenAddresses().get(0));
      }
      ls.add(l);
      ds.add(dht(l, cb.build()));
    }
    for (KadDht d : ds) {
      get(d.bootstrap());
    }
    byte[] key = "/t/key".getBytes(StandardCharsets.UTF_8);
    byte[] shortValue = "a".getBytes(StandardCharsets.UTF_8);
    byte[] longValue = "aaaa".getBytes(StandardCharsets.UTF_8);
    assertThat(get(ds.get(1).putValue(key, shortValue))).isEqualTo(5);
    // One peer alone is told a better value.
    KadClient c = new KadClient(Host.of(ls.get(2)), Duration.ofSeconds(10), 1 << 20);
    get(c.request(new KadPeer(ls.get(4).peerId(), ls.get(4).listenAddresses()), KadMessages.putValue(key, longValue)));
    assertThat(value(c, ls.get(3), key)).isEqualTo(shortValue);

    assertThat(get(ds.get(5).getValue(key))).hasValueSatisfying(v -> assertThat(v).isEqualTo(longValue));
    // Every other node that answered with the short value is sent the long one.
    for (int i = 0; i < 5; i++) {
      Listener at = ls.get(i);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(value(c, at, key)).isEqualTo(longValue));
    }
  }

  @Test
  void autoModeServesOnlyWhileReachabilityIsPublic() throws Exception {
    Listener l = listener();
    KadDht d = dht(l, DhtConfig.defaults());
    Listener other = listener();
    KadClient c = new KadClient(Host.of(other), Duration.ofSeconds(5), 1 << 20);
    KadPeer target = new KadPeer(l.peerId(), l.listenAddresses());
    Message find = KadMessages.request(MessageType.FIND_NODE, new byte[] {1});

    assertThat(d.isServer()).isFalse();
    d.reachabilityChanged(Reachability.PUBLIC);
    assertThat(d.isServer()).isTrue();
    assertThat(get(c.request(target, find)).getType()).isEqualTo(MessageType.FIND_NODE);
    assertThat(get(get(c.connect(target)).identify()).protocols()).contains(KadMessages.PROTOCOL);

    d.reachabilityChanged(Reachability.PRIVATE);
    assertThat(d.isServer()).isFalse();
    assertThat(c.request(target, find)).failsWithin(Duration.ofSeconds(10));
  }
}
