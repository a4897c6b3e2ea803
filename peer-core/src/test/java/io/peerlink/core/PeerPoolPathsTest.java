package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PeerPool over real loopback connections with several paths to one peer: direct and relayed
 * connections side by side, protection from eviction, circuit addresses in the address book.
 */
@Timeout(60)
class PeerPoolPathsTest extends PeerTestSupport {
  private final PeerId relay1 = Identity.generate().peerId();
  private final PeerId relay2 = Identity.generate().peerId();

  /** A host that listens and dials with one identity, and its pool. */
  private record Node(Listener listener, PeerPool pool) {
    PeerId id() {
      return listener.peerId();
    }

    Multiaddr addr() {
      return listener.listenAddresses().get(0);
    }

    Host host() {
      return Host.of(listener);
    }
  }

  private Node node(PeerConfig config) {
    Listener l = listen(Listener.builder(Identity.generate()).config(config).listenOn(LOOPBACK));
    Connector c = closeLater(Connector.sharing(l).dialPolicy(NO_RETRY).build());
    return new Node(l, closeLater(PeerPool.builder(c).build()));
  }

  private Node node() {
    return node(FAST);
  }

  @Test
  void aDirectConnectionNeverClosesBecauseOfARelayedOneWhichStaysAsTheFallback() throws Exception {
    Node a = node();
    Node b = node();
    // Relayed first, then direct: the direct one becomes the peer, the relayed one stays.
    LoopbackCircuit.Ends circuit = LoopbackCircuit.open(a.host(), b.host(), relay1);
    assertThat(a.pool().peer(b.id())).contains(circuit.dialer());
    assertThat(get(a.pool().connect(b.addr()))).isSameAs(circuit.dialer()); // the pool reuses what it has
    Peer direct = get(a.host().dial(b.addr())); // a punch or a direct dial adds the direct path
    assertThat(direct.path()).isEqualTo(ConnectionPath.DIRECT);
    await("both pools hold both paths", () -> a.pool().connections(b.id()).size() == 2
        && b.pool().connections(a.id()).size() == 2);
    assertThat(a.pool().connections(b.id())).containsExactlyInAnyOrder(direct, circuit.dialer());
    assertThat(a.pool().peer(b.id())).contains(direct);
    assertThat(b.pool().peer(a.id()).orElseThrow().path()).isEqualTo(ConnectionPath.DIRECT);
    assertThat(circuit.dialer().state()).isEqualTo(PeerState.CONNECTED);
    assertThat(get(circuit.dialer().ping())).isPositive(); // the fallback still carries streams

    // Direct first, then a second relayed one through another relay: all three stay.
    LoopbackCircuit.Ends second = LoopbackCircuit.open(b.host(), a.host(), relay2);
    await("three paths on both sides", () -> a.pool().connections(b.id()).size() == 3
        && b.pool().connections(a.id()).size() == 3);
    assertThat(direct.isOpen()).isTrue();
    assertThat(second.target().isOpen()).isTrue();

    // The direct one dies: the pool hands out the relayed fallback at once.
    get(direct.close());
    await("a relayed connection is the peer", () -> a.pool().peer(b.id())
        .map(p -> p.path() == ConnectionPath.RELAYED).orElse(false));
  }

  @Test
  void twoRelayedConnectionsThroughOneRelayCollapseToTheOneDialedByTheLowerPeerId() throws Exception {
    Node a = node();
    Node b = node();
    LoopbackCircuit.Ends ab = LoopbackCircuit.open(a.host(), b.host(), relay1);
    // The second one may be closed by one side's pool before the other side finished its upgrade.
    LoopbackCircuit.Upgrades ba = LoopbackCircuit.start(b.host(), a.host(), relay1);
    Node lower = a.id().compareTo(b.id()) < 0 ? a : b;
    Node higher = lower == a ? b : a;
    await("each pool settled on one relayed connection", () ->
        a.pool().connections(b.id()).size() == 1 && b.pool().connections(a.id()).size() == 1
            && ba.dialer().isDone() && ba.target().isDone());
    Peer keptAtLower = lower.pool().connections(higher.id()).get(0);
    Peer keptAtHigher = higher.pool().connections(lower.id()).get(0);
    assertThat(keptAtLower.direction()).as("dialed by the lower peer ID").isEqualTo(Direction.OUTBOUND);
    assertThat(keptAtHigher.direction()).isEqualTo(Direction.INBOUND);
    assertThat(List.of(ab.dialer(), ab.target()).contains(keptAtLower)).isEqualTo(lower == a);
    for (CompletableFuture<Peer> end : List.of(ba.dialer(), ba.target())) {
      Peer p = end.isCompletedExceptionally() ? null : end.join();
      if (p != null && !List.of(keptAtLower, keptAtHigher).contains(p)) {
        get(p.closeFuture());
      }
    }
    assertThat(get(keptAtLower.ping())).isPositive();

    // One side dials through the same relay again: that side closes its newer connection.
    LoopbackCircuit.Upgrades again = LoopbackCircuit.start(lower.host(), higher.host(), relay1);
    for (CompletableFuture<Peer> end : List.of(again.dialer(), again.target())) {
      try {
        get(get(end).closeFuture());
      } catch (Exception closedDuringUpgrade) {
        // closed before this side finished its upgrade: gone as well
      }
    }
    assertThat(keptAtLower.isOpen()).isTrue();
    assertThat(lower.pool().connections(higher.id())).containsExactly(keptAtLower);
  }

  @Test
  void idleEvictionSparesProtectedPeersSuchAsTheRelayHoldingOurReservation() throws Exception {
    Clock[] now = {Clock.systemUTC()};
    Listener l = listen();
    Connector c = closeLater(Connector.sharing(l).dialPolicy(NO_RETRY).build());
    PeerPool pool = closeLater(PeerPool.builder(c).idleTimeout(Duration.ofMinutes(1))
        .clock(new SteppedClock(now)).build());
    Listener relay = listen();
    Listener other = listen();
    Peer toRelay = get(pool.connect(relay.listenAddresses().get(0)));
    Peer toOther = get(pool.connect(other.listenAddresses().get(0)));
    Host.of(l).protect(relay.peerId(), "relay-reservation");

    now[0] = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
    pool.evictIdle();
    get(toOther.closeFuture());
    assertThat(pool.peers()).containsExactly(toRelay);
    assertThat(toRelay.isOpen()).isTrue();

    assertThat(Host.of(l).unprotect(relay.peerId(), "relay-reservation")).isFalse();
    pool.evictIdle();
    get(toRelay.closeFuture());
    assertThat(pool.peers()).isEmpty();
  }

  @Test
  void aFullPoolNeverEvictsAProtectedPeer() throws Exception {
    Listener l = listen();
    Connector c = closeLater(Connector.sharing(l).dialPolicy(NO_RETRY).build());
    PeerPool pool = closeLater(PeerPool.builder(c).maxPeers(1).build());
    Listener s1 = listen();
    Listener s2 = listen();
    Peer p1 = get(pool.connect(s1.listenAddresses().get(0)));
    Host.of(l).protect(s1.peerId(), "circuit");
    assertThatThrownBy(() -> get(pool.connect(s2.listenAddresses().get(0))))
        .cause().isInstanceOf(LimitExceededException.class).hasMessageContaining("maxPeers=1");
    assertThat(p1.isOpen()).isTrue();
  }

  @Test
  void theConnectionIdleTimeoutSparesProtectedPeersAndTheLastPathOfBusyOnes() throws Exception {
    PeerConfig idle = FAST.toBuilder().idleTimeout(Duration.ofMillis(300)).build();
    Listener l = listen(Listener.builder(Identity.generate()).config(idle).listenOn(LOOPBACK)
        .handler("/busy/1.0.0", s -> { }));
    Connector c = closeLater(Connector.sharing(l).dialPolicy(NO_RETRY).build());
    PeerPool pool = closeLater(PeerPool.builder(c).build());
    Listener relay = listen();
    Listener busy = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .handler("/busy/1.0.0", s -> { }));
    Listener plain = listen();
    Host.of(l).protect(relay.peerId(), "relay-reservation");
    Peer toRelay = get(pool.connect(relay.listenAddresses().get(0)));
    Peer toBusy = get(pool.connect(busy.listenAddresses().get(0)));
    get(toBusy.identify());
    CompletableFuture<Void> hold = new CompletableFuture<>();
    pool.call("/busy/1.0.0", p -> hold);
    Peer toPlain = get(pool.connect(plain.listenAddresses().get(0)));

    get(toPlain.closeFuture()); // idle for 300 ms: closed
    assertThat(toRelay.isOpen()).as("protected").isTrue();
    assertThat(toBusy.isOpen()).as("the only path of a peer with a call in flight").isTrue();
    hold.complete(null);
    get(toBusy.closeFuture()); // once the call ends it may go
    assertThat(toRelay.isOpen()).isTrue();
  }

  @Test
  void circuitAddressesAPeerAnnouncesAreKeptInTheAddressBook() throws Exception {
    Node a = node();
    Node b = node();
    Multiaddr circuit = Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/" + relay1 + "/p2p-circuit");
    b.host().addAddressSource(() -> List.of(circuit.encapsulate(Multiaddr.parse("/p2p/" + b.id()))));
    get(get(a.pool().connect(b.addr())).identify());
    assertThat(a.pool().addresses(b.id())).contains(circuit, b.addr().withoutPeerId());
    assertThat(a.pool().addressBook().circuitAddresses(b.id())).containsExactly(circuit);
    assertThat(a.host().addressBook().circuitAddresses(b.id())).containsExactly(circuit);

    PeerId target = Identity.generate().peerId();
    a.pool().addAddresses(target, List.of(circuit.encapsulate(Multiaddr.parse("/p2p/" + target))));
    assertThat(a.pool().addresses(target)).containsExactly(circuit);
  }
}
