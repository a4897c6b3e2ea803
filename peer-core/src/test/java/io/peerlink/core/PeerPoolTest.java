package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** PeerPool over real TCP: reuse, simultaneous connects, eviction, size bound, load balancing. */
class PeerPoolTest extends PeerTestSupport {

  /** A host that listens and dials with one identity, and its pool. */
  private record Node(Listener listener, Connector connector, PeerPool pool) {
    PeerId id() {
      return listener.peerId();
    }

    Multiaddr addr() {
      return listener.listenAddresses().get(0);
    }
  }

  private Node node(PeerPool.Builder tweak, Listener.Builder lb) {
    Listener l = listen(lb);
    Connector c = closeLater(Connector.sharing(l).dialPolicy(NO_RETRY).build());
    PeerPool pool = closeLater(tweak == null ? PeerPool.builder(c).build() : tweak.build());
    return new Node(l, c, pool);
  }

  private Node node() {
    return node(null, Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK));
  }

  @Test
  void everyCallerSharesOneConnectionPerPeer() throws Exception {
    Node a = node();
    Listener b = listen();
    List<CompletableFuture<Peer>> connects = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      connects.add(a.pool().connect(b.listenAddresses().get(0)));
    }
    Peer first = get(connects.get(0));
    for (CompletableFuture<Peer> f : connects) {
      assertThat(get(f)).isSameAs(first);
    }
    assertThat(get(a.pool().connect(b.peerId()))).isSameAs(first); // by ID, from the address book
    assertThat(a.pool().peers()).containsExactly(first);
    assertThat(a.pool().peer(b.peerId())).contains(first);
    assertThat(b.stats().accepted()).isEqualTo(1);

    get(a.pool().disconnect(b.peerId()));
    assertThat(a.pool().peer(b.peerId())).isEmpty();
    assertThat(get(a.pool().connect(b.peerId()))).isNotSameAs(first);
  }

  @Test
  void connectingByAnUnknownIdSaysWhatToDo() {
    Node a = node();
    assertThatThrownBy(() -> get(a.pool().connect(Identity.generate().peerId())))
        .cause().isInstanceOf(PeerException.class).hasMessageContaining("addAddresses");
  }

  @Test
  void whenBothSidesConnectAtOnceBothKeepTheConnectionDialedByTheLowerPeerId() throws Exception {
    for (int round = 0; round < 3; round++) {
      Node a = node();
      Node b = node();
      CompletableFuture<Peer> ab = a.pool().connect(b.addr());
      CompletableFuture<Peer> ba = b.pool().connect(a.addr());
      get(ab);
      get(ba);
      Node lower = a.id().compareTo(b.id()) < 0 ? a : b;
      Node higher = lower == a ? b : a;
      // One condition at a time, so a failure says which one was never reached.
      await("both inbound connections accepted", () ->
          a.listener().stats().accepted() == 1 && b.listener().stats().accepted() == 1);
      await("both inbound connections upgraded", () ->
          a.listener().stats().upgrading() == 0 && b.listener().stats().upgrading() == 0);
      await("both pools settled on one connection", () ->
          lower.connector().peers().size() == 1 && higher.connector().peers().size() == 1);
      Peer kept = lower.pool().peer(higher.id()).orElseThrow();
      assertThat(kept.direction()).isEqualTo(Direction.OUTBOUND);
      Peer keptRemote = higher.pool().peer(lower.id()).orElseThrow();
      assertThat(keptRemote.direction()).isEqualTo(Direction.INBOUND);
      assertThat(kept.localAddress()).isEqualTo(keptRemote.remoteAddress()); // the same TCP connection
      assertThat(get(kept.ping())).isPositive();
    }
  }

  @Test
  void idlePeersAreEvictedButBusyOnesStay() throws Exception {
    Clock[] now = {Clock.systemUTC()};
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0].instant();
      }
    };
    Listener l = listen();
    Connector c = closeLater(Connector.sharing(l).dialPolicy(NO_RETRY).build());
    PeerPool pool = closeLater(PeerPool.builder(c).idleTimeout(Duration.ofMinutes(1)).clock(clock).build());
    Listener idleServer = listen();
    Listener busyServer = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .handler("/busy/1.0.0", s -> { }));
    Peer idle = get(pool.connect(idleServer.listenAddresses().get(0)));
    Peer busy = get(pool.connect(busyServer.listenAddresses().get(0)));
    get(busy.identify());
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletableFuture<String> call = pool.call("/busy/1.0.0", p -> pending);
    assertThat(pool.inFlight(busy.peerId())).isEqualTo(1);

    pool.evictIdle();
    assertThat(pool.peers()).hasSize(2); // a minute has not passed

    now[0] = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
    pool.evictIdle();
    get(idle.closeFuture());
    assertThat(pool.peers()).containsExactly(busy);

    pending.complete("done");
    assertThat(get(call)).isEqualTo("done");
    assertThat(pool.inFlight(busy.peerId())).isZero();
    pool.evictIdle();
    get(busy.closeFuture());
    assertThat(pool.peers()).isEmpty();
  }

  @Test
  void aFullPoolEvictsTheLongestIdlePeerAndRefusesWhenAllAreBusy() throws Exception {
    Listener l = listen();
    Connector c = closeLater(Connector.sharing(l).dialPolicy(NO_RETRY).build());
    PeerPool pool = closeLater(PeerPool.builder(c).maxPeers(2).build());
    Listener s1 = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK).handler("/p", s -> { }));
    Listener s2 = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK).handler("/p", s -> { }));
    Listener s3 = listen();
    Peer p1 = get(pool.connect(s1.listenAddresses().get(0)));
    Peer p2 = get(pool.connect(s2.listenAddresses().get(0)));
    get(p2.send(new byte[1])); // p2 was active last: p1 is the longest idle
    Peer p3 = get(pool.connect(s3.listenAddresses().get(0)));
    get(p1.closeFuture());
    assertThat(pool.peers()).containsExactlyInAnyOrder(p2, p3);

    get(p2.identify());
    CompletableFuture<Void> hold = new CompletableFuture<>();
    pool.call("/p", p -> hold); // p2 busy
    get(pool.disconnect(s3.peerId()));
    Peer again1 = get(pool.connect(s1.listenAddresses().get(0)));
    get(again1.identify());
    CompletableFuture<Void> hold2 = new CompletableFuture<>();
    // both remaining peers serve /p; keep calling until each is busy
    while (pool.inFlight(s1.peerId()) == 0) {
      pool.call("/p", p -> hold2);
    }
    assertThatThrownBy(() -> get(pool.connect(s3.listenAddresses().get(0))))
        .cause().isInstanceOf(LimitExceededException.class).hasMessageContaining("maxPeers=2");
    hold.complete(null);
    hold2.complete(null);
  }

  @Test
  void callsAreSpreadAcrossThePeersServingAProtocolByTheStrategy() throws Exception {
    Listener l = listen();
    Connector c = closeLater(Connector.sharing(l).dialPolicy(NO_RETRY).build());
    PeerPool pool = closeLater(PeerPool.builder(c).loadBalancer(LoadBalancer.roundRobin()).build());
    List<PeerId> servers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Listener s = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
          .handler("/kv/1.0.0", st -> { }));
      servers.add(s.peerId());
      get(get(pool.connect(s.listenAddresses().get(0))).identify());
    }
    get(get(pool.connect(listen().listenAddresses().get(0))).identify()); // serves no /kv
    servers.sort(null);
    List<PeerId> chosen = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      chosen.add(get(pool.call("/kv/1.0.0", p -> CompletableFuture.completedFuture(p.peerId()))));
    }
    assertThat(chosen).containsExactly(servers.get(0), servers.get(1), servers.get(2),
        servers.get(0), servers.get(1), servers.get(2));
    assertThat(pool.select("/none/1.0.0")).isEmpty();
    assertThatThrownBy(() -> get(pool.call("/none/1.0.0", p -> CompletableFuture.completedFuture(1))))
        .cause().hasMessageContaining("no connected peer serves /none/1.0.0");
  }
}
