package io.peerlink.relay.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;


import io.peerlink.core.ConnectionPath;
import io.peerlink.core.ListenerLimits;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.Dht;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.Manager;
import io.peerlink.relay.internal.autorelay.DhtCandidateSource;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.dht.KadDht;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A network of 20 peerlink DHT servers on loopback, each joined through the first one: lookups
 * find peers, records and providers that live on other nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class DhtLoopbackTest {
  private static final int NODES = 20;
  private static final int HOP_NODE = 10;
  private final List<Manager> nodes = new ArrayList<>();

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  static Manager node(DhtConfig dht) throws Exception {
    return node(dht, false);
  }

  /** A node; a "relay" one only serves the hop protocol's ID (identify lists it), enough to be a candidate. */
  static Manager node(DhtConfig dht, boolean relay) throws Exception {
    Manager.Builder b = Manager.builder(Identity.generate());
    if (relay) {
      b.handler(CircuitMessages.HOP_PROTOCOL, s -> s.channel().close());
    }
    return get(b
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .listenerLimits(ListenerLimits.builder().exemptLoopback(true).build()) // every node is 127.0.0.1
        .autoNat(null)
        .holePunching(null)
        .dht(dht)
        .build().start());
  }

  @BeforeAll
  void network() throws Exception {
    Manager first = node(DhtConfig.builder().mode(DhtConfig.Mode.SERVER).build());
    nodes.add(first);
    Multiaddr boot = first.listener().listenAddresses().get(0);
    for (int i = 1; i < NODES; i++) {
      Manager m = node(DhtConfig.builder().mode(DhtConfig.Mode.SERVER).bootstrap(boot).build(), i == HOP_NODE);
      nodes.add(m);
      await().atMost(Duration.ofSeconds(30)).until(() -> !m.dht().routingTable().isEmpty());
    }
    // Each joins again now that everyone is there, as the periodic refresh would.
    for (Manager m : nodes) {
      get(m.dht().bootstrap());
    }
  }

  @AfterAll
  void close() {
    nodes.forEach(Manager::close);
  }

  @Test
  void everyServerIsInOthersRoutingTables() {
    for (Manager m : nodes) {
      assertThat(m.dht().isServer()).isTrue();
      assertThat(m.dht().routingTable()).hasSizeGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void aNewPeerKnownOnlyByItsIdIsFoundAndDialedThroughTheDht() throws Exception {
    Manager target = nodes.get(NODES - 1);
    Multiaddr boot = nodes.get(0).listener().listenAddresses().get(0);
    Manager client = node(DhtConfig.builder().mode(DhtConfig.Mode.CLIENT).bootstrap(boot).build());
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !client.dht().routingTable().isEmpty());
      assertThat(client.dht().isServer()).isFalse();
      List<Multiaddr> found = get(client.dht().findPeer(target.peerId()));
      assertThat(found).isNotEmpty().allMatch(a -> a.peerId().orElseThrow().equals(target.peerId()));
      assertThat(found).containsAnyElementsOf(target.listener().listenAddresses());

      Peer p = get(client.dial(target.peerId()));
      assertThat(p.peerId()).isEqualTo(target.peerId());
      assertThat(p.path()).isEqualTo(ConnectionPath.DIRECT);
      assertThat(get(p.ping())).isPositive();
      // A client is not put into servers' routing tables.
      assertThat(target.dht().routingTable()).noneMatch(i -> i.id().equals(client.peerId()));
    } finally {
      client.close();
    }
  }

  @Test
  void aPeersAddressesPushedAfterItJoinedAreTheOnesFindNodeNames() throws Exception {
    // A client's circuit address arrives by identify push once it holds a reservation, after
    // the servers first met it: the servers connected to it must name it with that address.
    Multiaddr boot = nodes.get(0).listener().listenAddresses().get(0);
    Manager client = node(DhtConfig.builder().mode(DhtConfig.Mode.CLIENT).bootstrap(boot).build());
    try {
      // Joined, and done dialing: every server that knows the client met it before the push.
      get(client.dht().bootstrap());
      Multiaddr circuit = Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p/" + Identity.generate().peerId() + "/p2p-circuit");
      Host.of(client.listener()).addAddressSource(() -> List.of(circuit));
      KadDht asker = (KadDht) nodes.get(17).dht();
      // The push goes out within PeerConfig.identifyPushDelay; the walk asks the servers each time.
      await().atMost(Duration.ofSeconds(30)).until(() -> get(asker.lookupPeer(client.peerId())).addrs()
          .contains(circuit.withPeerId(client.peerId())));
    } finally {
      client.close();
    }
  }

  @Test
  void anUnknownPeerIsNotFound() throws Exception {
    assertThat(get(nodes.get(3).dht().findPeer(Identity.generate().peerId()))).isEmpty();
  }

  @Test
  void aPublicKeyRecordPutOnOneNodeIsFoundFromAnother() throws Exception {
    Manager owner = nodes.get(4);
    Identity id = Identity.generate();
    byte[] key = Dht.publicKeyKey(id.peerId());
    byte[] value = id.publicKey().marshal();
    int stored = get(owner.dht().putValue(key, value));
    assertThat(stored).isGreaterThanOrEqualTo(10);

    Optional<byte[]> got = get(nodes.get(15).dht().getValue(key));
    assertThat(got).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    // A value that is not the key's public key is refused before anything is sent.
    byte[] other = Identity.generate().publicKey().marshal();
    assertThatThrownBy(() -> owner.dht().putValue(key, other)).isInstanceOf(IllegalArgumentException.class);
    assertThat(get(nodes.get(9).dht().getValue(Dht.publicKeyKey(Identity.generate().peerId())))).isEmpty();
  }

  @Test
  void providersAreFoundFromAnotherNode() throws Exception {
    byte[] key = Dht.rendezvousKey("/peerlink/test/" + System.nanoTime());
    Manager a = nodes.get(7);
    Manager b = nodes.get(11);
    assertThat(get(a.dht().provide(key))).isGreaterThanOrEqualTo(10);
    assertThat(get(b.dht().provide(key))).isGreaterThanOrEqualTo(10);

    List<Dht.PeerInfo> found = get(nodes.get(16).dht().findProviders(key, 5));
    assertThat(found).extracting(Dht.PeerInfo::id).containsExactlyInAnyOrder(a.peerId(), b.peerId());
    assertThat(found).allSatisfy(p -> assertThat(p.addrs()).isNotEmpty());
    assertThat(get(nodes.get(16).dht().findProviders(key, 1))).hasSize(1);
  }

  @Test
  void closestPeersAreTheKClosestOfTheNetwork() throws Exception {
    byte[] key = "/some/key".getBytes();
    List<Dht.PeerInfo> closest = get(nodes.get(2).dht().getClosestPeers(key));
    List<PeerId> all = new ArrayList<>(nodes.stream().map(Manager::peerId).toList());
    all.remove(nodes.get(2).peerId());
    assertThat(closest).extracting(Dht.PeerInfo::id).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  void relayCandidatesComeFromTheRendezvousProvidersThenFromWalks() throws Exception {
    Manager announced = nodes.get(13);
    get(announced.dht().provide(Dht.RELAY_RENDEZVOUS));
    Manager asker = nodes.get(6);
    DhtCandidateSource source = new DhtCandidateSource(asker.dht(), Host.of(asker.listener()));
    // One wanted: the rendezvous provider is enough.
    assertThat(get(source.findCandidates(1))).extracting(a -> a.peerId().orElseThrow())
        .containsExactly(announced.peerId());
    // More wanted: walks find the peer whose identify lists the hop protocol.
    List<Multiaddr> more = get(source.findCandidates(5));
    assertThat(more).extracting(a -> a.peerId().orElseThrow())
        .contains(announced.peerId(), nodes.get(HOP_NODE).peerId());
    assertThat(more).allMatch(a -> !a.isRelayed());
  }
}
