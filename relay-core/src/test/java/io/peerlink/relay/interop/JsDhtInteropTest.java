package io.peerlink.relay.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.ListenerLimits;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Dht;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.Manager;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * peerlink's Kademlia DHT in a network of js-libp2p {@code @libp2p/kad-dht} 16.x servers
 * (interop/js/peer.mjs --dht, which keeps loopback addresses with {@code passthroughMapper}):
 * finding peers both ways, {@code /pk/} records and provider records both ways.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class JsDhtInteropTest {
  private static final Duration T = Duration.ofSeconds(60);
  private static final HexFormat HEX = HexFormat.of();
  private final List<JsPeer> js = new ArrayList<>();
  private final List<Manager> managers = new ArrayList<>();
  private Manager peerlink;

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  private Manager manager(DhtConfig dht) throws Exception {
    Manager m = get(Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .listenerLimits(ListenerLimits.builder().exemptLoopback(true).build())
        .autoNat(null)
        .holePunching(null)
        .dht(dht)
        .build().start());
    managers.add(m);
    return m;
  }

  @BeforeAll
  void network() throws Exception {
    for (int i = 0; i < 4; i++) {
      js.add(JsPeer.start("--dht", "--security", "noise"));
    }
    for (int i = 1; i < js.size(); i++) {
      js.get(i).requestOk(T, "cmd", "dial", "addr", js.get(0).addr());
    }
    peerlink = manager(DhtConfig.builder().mode(DhtConfig.Mode.SERVER)
        .bootstrap(Multiaddr.parse(js.get(0).addr())).build());
    get(peerlink.dht().bootstrap());
    assertThat(peerlink.dht().routingTable()).extracting(i -> i.id().toString()).contains(js.get(0).peerId());
    // js puts peerlink into its tables once identify lists the protocol and a ping answered.
    await().atMost(T).untilAsserted(() -> assertThat(((Number) js.get(0)
        .requestOk(T, "cmd", "dht-routing-table").get("size")).intValue()).isGreaterThanOrEqualTo(js.size()));
  }

  @AfterAll
  void close() {
    managers.forEach(Manager::close);
    js.forEach(JsPeer::close);
  }

  @Test
  void peerlinkKnowingOnlyAJsPeersIdFindsAndDialsIt() throws Exception {
    JsPeer target = js.get(3);
    Manager client = manager(DhtConfig.builder().mode(DhtConfig.Mode.CLIENT)
        .bootstrap(Multiaddr.parse(js.get(0).addr())).build());
    await().atMost(T).until(() -> !client.dht().routingTable().isEmpty());
    PeerId id = PeerId.parse(target.peerId());
    List<Multiaddr> found = get(client.dht().findPeer(id));
    assertThat(found).extracting(Multiaddr::toString).contains(target.addr());

    Peer p = get(client.dial(id));
    assertThat(p.peerId()).isEqualTo(id);
    assertThat(get(p.ping())).isPositive();
  }

  @Test
  void aJsPeerFindsPeerlink() {
    Map<String, Object> found = js.get(2).requestOk(T, "cmd", "dht-find-peer", "peerId", peerlink.peerId().toString());
    assertThat(JsPeer.strings(found.get("addrs")))
        .anyMatch(a -> peerlink.listener().listenAddresses().stream().anyMatch(l -> l.toString().startsWith(a)));
  }

  @Test
  void aPublicKeyRecordPutByPeerlinkIsReadByJs() throws Exception {
    Identity owner = Identity.generate();
    byte[] key = Dht.publicKeyKey(owner.peerId());
    byte[] value = owner.publicKey().marshal();
    assertThat(get(peerlink.dht().putValue(key, value))).isPositive();
    Map<String, Object> got = js.get(1).requestOk(T, "cmd", "dht-get", "key", HEX.formatHex(key));
    assertThat(got.get("value")).isEqualTo(HEX.formatHex(value));
  }

  @Test
  void aPublicKeyRecordPutByJsIsReadByPeerlink() throws Exception {
    Identity owner = Identity.generate();
    byte[] key = Dht.publicKeyKey(owner.peerId());
    byte[] value = owner.publicKey().marshal();
    js.get(2).requestOk(T, "cmd", "dht-put", "key", HEX.formatHex(key), "value", HEX.formatHex(value));
    Optional<byte[]> got = get(peerlink.dht().getValue(key));
    assertThat(got).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
  }

  @Test
  void peerlinkProvidesAndJsFindsIt() throws Exception {
    byte[] key = Dht.rendezvousKey("/peerlink/interop/" + System.nanoTime());
    assertThat(get(peerlink.dht().provide(key))).isPositive();
    Map<String, Object> found = js.get(1).requestOk(T, "cmd", "dht-find-providers", "key", HEX.formatHex(key), "max", 1);
    List<?> providers = (List<?>) found.get("providers");
    assertThat(providers).hasSize(1);
    assertThat(((Map<?, ?>) providers.get(0)).get("peerId")).isEqualTo(peerlink.peerId().toString());
  }

  @Test
  void jsProvidesAndPeerlinkFindsIt() throws Exception {
    byte[] key = Dht.rendezvousKey("/peerlink/interop/" + System.nanoTime());
    js.get(2).requestOk(T, "cmd", "dht-provide", "key", HEX.formatHex(key));
    List<Dht.PeerInfo> found = get(peerlink.dht().findProviders(key, 1));
    assertThat(found).extracting(i -> i.id().toString()).containsExactly(js.get(2).peerId());
    assertThat(found.get(0).addrs()).extracting(Multiaddr::toString).contains(js.get(2).addr());
  }
}
