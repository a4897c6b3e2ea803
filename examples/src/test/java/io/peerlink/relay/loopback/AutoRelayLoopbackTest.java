package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.EventListener;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.Reachability;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.AutoNatConfig;
import io.peerlink.relay.AutoRelayConfig;
import io.peerlink.relay.CandidateSource;
import io.peerlink.relay.Manager;
import io.peerlink.relay.RelayException;
import io.peerlink.relay.internal.autorelay.ActiveRelay;
import io.peerlink.relay.internal.autorelay.AutoRelay;
import io.peerlink.relay.internal.autorelay.IdentifyCandidateSource;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.server.Acl;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AutoRelay against real peerlink relays on 127.0.0.1: failover, blacklist, preference, refresh, stop. */
class AutoRelayLoopbackTest {
  private final List<AutoCloseable> closers = new ArrayList<>();
  private final List<RelayServer> relays = new ArrayList<>();
  private final List<AutoRelay> autos = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoRelay a : autos) {
      get(a.stop());
    }
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
    for (RelayServer r : relays) {
      r.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------ fixtures

  /** Everything the host reported about relays, in order: AutoRelay's and the relay client's events. */
  static final class Events implements EventListener {
    /** A reservation as the events report it. */
    record Res(PeerId relay, List<Multiaddr> addrs, Instant expiration) {}

    record Reserved(Res r) {}

    record Refreshed(Res r) {}

    record Lost(PeerId relay, String reason) {}

    record Blacklisted(PeerId relay, Instant until, Throwable cause) {}

    record Addrs(List<Multiaddr> addrs) {}

    final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    final List<Object> seen = new ArrayList<>();

    @Override
    public void relayAdded(PeerId relay, List<Multiaddr> addrs, Instant expires) {
      queue.add(new Reserved(new Res(relay, addrs, expires)));
    }

    @Override
    public void reservationEnd(PeerId relay, List<Multiaddr> addrs, Instant expires, boolean renewal) {
      if (renewal) {
        queue.add(new Refreshed(new Res(relay, addrs, expires)));
      }
    }

    @Override
    public void relayDropped(PeerId relay, String reason, PeerException cause) {
      queue.add(new Lost(relay, reason));
    }

    @Override
    public void relayBlacklisted(PeerId relay, Instant until, PeerException cause) {
      queue.add(new Blacklisted(relay, until, cause));
    }

    @Override
    public void relayAddressesChanged(List<Multiaddr> addrs) {
      queue.add(new Addrs(addrs));
    }

    /** The next event of {@code type} that matches, skipping others; fails after 20 s. */
    <T> T next(Class<T> type, Predicate<T> match) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        long left = deadline - System.nanoTime();
        Object e = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
        if (e == null) {
          throw new AssertionError("no matching " + type.getSimpleName() + " within 20 s; seen: " + seen);
        }
        seen.add(e);
        if (type.isInstance(e) && match.test(type.cast(e))) {
          return type.cast(e);
        }
      }
    }

    <T> T next(Class<T> type) throws InterruptedException {
      return next(type, x -> true);
    }
  }

  RelayServer relay(RelayLimiter limiter, Acl acl) throws Exception {
    RelayServer relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(limiter)
        .acl(acl)
        .publicAddressFilter(AddressFilter.everything())
        .build();
    relays.add(relay);
    get(relay.start());
    return relay;
  }

  RelayServer relay() throws Exception {
    return relay(RelayLimiter.unlimited(), Acl.ALLOW_ALL);
  }

  static Multiaddr addr(RelayServer r) {
    return r.listener().listenAddresses().get(0);
  }

  Listener listener() throws Exception {
    Listener l = Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).build();
    closers.add(l);
    return get(l.start());
  }

  RelayClient client(Listener l) {
    RelayClient c = RelayClient.create(l);
    closers.add(c);
    return c;
  }

  AutoRelay auto(Listener l, RelayClient c, AutoRelayConfig config, Events events) {
    AutoRelay a = AutoRelay.create(c, l, config);
    Host.of(l).addEventListener(events);
    autos.add(a);
    return a;
  }

  static AutoRelayConfig.Builder quick() {
    // Boot ends once every candidate is vetted; the delay only caps it (a cold JVM vets slowly).
    return AutoRelayConfig.builder().bootDelay(Duration.ofSeconds(15));
  }

  static Set<PeerId> ids(List<ActiveRelay> active) {
    return active.stream().map(ActiveRelay::relay).collect(Collectors.toSet());
  }

  /** Reserved events until {@code n} distinct relays are held. */
  static Set<PeerId> reservedOn(Events ev, int n) throws InterruptedException {
    Set<PeerId> got = new HashSet<>();
    while (got.size() < n) {
      got.add(ev.next(Events.Reserved.class).r().relay());
    }
    return got;
  }

  // ------------------------------------------------------------------ tests

  @Test
  void aKilledRelayIsReplacedAndTheAddressesFollow() throws Exception {
    RelayServer r1 = relay();
    RelayServer r2 = relay();
    RelayServer r3 = relay();
    Listener peer = listener();
    RelayClient pc = client(peer);
    Events ev = new Events();
    AutoRelay auto = auto(peer, pc, quick().build(), ev);
    auto.addSource(CandidateSource.of(List.of(addr(r1), addr(r2), addr(r3))));
    auto.start();

    Set<PeerId> held = reservedOn(ev, 2);
    assertThat(ids(auto.activeRelays())).isEqualTo(held);
    RelayServer victim = relays.stream().filter(r -> held.contains(r.peerId())).findFirst().orElseThrow();
    RelayServer spare = relays.stream().filter(r -> !held.contains(r.peerId())).findFirst().orElseThrow();
    Multiaddr victimAddr = pc.reservation(victim.peerId()).orElseThrow().addrs().get(0);

    get(victim.stop(Duration.ZERO));
    Events.Lost lost = ev.next(Events.Lost.class);
    assertThat(lost.relay()).isEqualTo(victim.peerId());
    Events.Res replacement = ev.next(Events.Reserved.class).r();
    assertThat(replacement.relay()).isEqualTo(spare.peerId());
    Events.Addrs addrs = ev.next(Events.Addrs.class, a -> a.addrs().containsAll(replacement.addrs()));
    assertThat(addrs.addrs()).doesNotContain(victimAddr).hasSize(2);
    assertThat(auto.relayAddresses()).isEqualTo(addrs.addrs());
    assertThat(ids(auto.activeRelays())).hasSize(2).contains(spare.peerId()).doesNotContain(victim.peerId());
    // What identify announces follows too.
    assertThat(Host.of(peer).listenAddresses()).containsAll(replacement.addrs()).doesNotContain(victimAddr);

    // A dialer reaches the peer through the replacement, and identify there lists it.
    Listener dialer = listener();
    RelayClient dc = client(dialer);
    Peer p = get(dc.dial(replacement.addrs().get(0)));
    assertThat(p.peerId()).isEqualTo(peer.peerId());
    assertThat(p.path()).isEqualTo(ConnectionPath.RELAYED);
    IdentifyInfo info = get(p.identify());
    assertThat(info.listenAddrs()).contains(replacement.addrs().get(0).withoutPeerId())
        .doesNotContain(victimAddr.withoutPeerId());
  }

  /**
   * Relays that listen on QUIC only: AutoRelay reserves on them over QUIC, the relayed addresses
   * it announces are the relays' QUIC addresses, and a dialer reaches the peer through one.
   */
  @Test
  void relaysThatListenOnQuicOnlyAreReservedOnAndDialedThroughOverQuic() throws Exception {
    Multiaddr quic = Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1");
    List<RelayServer> quicRelays = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      RelayServer r = RelayServer.builder(Identity.generate()).listenOn(quic)
          .publicAddressFilter(AddressFilter.everything()).build();
      relays.add(r);
      get(r.start());
      quicRelays.add(r);
    }
    Listener peer = Listener.builder(Identity.generate()).listenOn(quic).build();
    closers.add(peer);
    get(peer.start());
    RelayClient pc = client(peer);
    Events ev = new Events();
    AutoRelay auto = auto(peer, pc, quick().build(), ev);
    auto.addSource(CandidateSource.of(quicRelays.stream().map(AutoRelayLoopbackTest::addr).toList()));
    auto.start();

    assertThat(reservedOn(ev, 2)).containsExactlyInAnyOrderElementsOf(
        quicRelays.stream().map(RelayServer::peerId).toList());
    Events.Addrs addrs = ev.next(Events.Addrs.class, a -> a.addrs().size() == 2);
    assertThat(addrs.addrs()).allMatch(a -> a.toString().contains("/quic-v1/p2p/") && a.isRelayed());
    assertThat(Host.of(peer).connections()).allMatch(c -> c.muxer().equals("quic-v1"));

    Listener dialer = Listener.builder(Identity.generate()).listenOn(quic).build();
    closers.add(dialer);
    get(dialer.start());
    Peer p = get(client(dialer).dial(addrs.addrs().get(0)));
    assertThat(p.peerId()).isEqualTo(peer.peerId());
    assertThat(p.path()).isEqualTo(ConnectionPath.RELAYED);
  }

  @Test
  void aRefusingRelayIsBlacklistedAndTriedAgainOnlyAfterItsTime() throws Exception {
    AtomicBoolean allow = new AtomicBoolean(false);
    AtomicInteger asked = new AtomicInteger();
    RelayServer picky = relay(RelayLimiter.unlimited(), new Acl() {
      @Override
      public boolean allowReserve(PeerId peer, Multiaddr addr) {
        asked.incrementAndGet();
        return allow.get();
      }
    });
    RelayServer good = relay();
    Listener peer = listener();
    Events ev = new Events();
    Duration blacklist = Duration.ofMillis(700);
    AutoRelay auto = auto(peer, client(peer), quick().blacklistDuration(blacklist).build(), ev);
    auto.addCandidate(addr(picky));
    auto.addCandidate(addr(good));
    auto.start();

    Events.Blacklisted b = ev.next(Events.Blacklisted.class);
    assertThat(b.relay()).isEqualTo(picky.peerId());
    assertThat(b.cause()).isInstanceOf(RelayException.class);
    assertThat(((RelayException) b.cause()).statusName()).isEqualTo("PERMISSION_DENIED");
    assertThat(auto.blacklist()).containsKey(picky.peerId());
    assertThat(auto.selectRelay()).as("a blacklisted relay is not selected").isEmpty();
    assertThat(asked.get()).isEqualTo(1);
    allow.set(true);
    Events.Res r = ev.next(Events.Reserved.class, x -> x.r().relay().equals(picky.peerId())).r();
    Instant reservedAt = Instant.now();
    assertThat(reservedAt).as("not before the blacklist ran out").isAfterOrEqualTo(b.until());
    assertThat(asked.get()).as("asked once more, after the blacklist").isEqualTo(2);
    assertThat(ids(auto.activeRelays())).containsExactlyInAnyOrder(picky.peerId(), good.peerId());
    assertThat(auto.blacklist()).isEmpty();
    assertThat(r.addrs()).isNotEmpty();
  }

  @Test
  void aFullRelayIsRetriedAfterEachBlacklistPeriod() throws Exception {
    RelayServer full = relay(RelayLimiter.builder().maxReservations(1).build(), Acl.ALLOW_ALL);
    RelayServer good = relay();
    Listener other = listener();
    get(client(other).reserve(addr(full))); // its one slot is taken
    Listener peer = listener();
    Events ev = new Events();
    Duration blacklist = Duration.ofMillis(400);
    AutoRelay auto = auto(peer, client(peer), quick().blacklistDuration(blacklist).build(), ev);
    auto.addSource(CandidateSource.of(List.of(addr(full), addr(good))));
    auto.start();
    Events.Blacklisted first = ev.next(Events.Blacklisted.class);
    assertThat(first.relay()).isEqualTo(full.peerId());
    assertThat(((RelayException) first.cause()).statusName()).isEqualTo("RESERVATION_REFUSED");
    Events.Blacklisted second = ev.next(Events.Blacklisted.class);
    assertThat(second.relay()).isEqualTo(full.peerId());
    // The retry came once the first period was over (timer and wall clock may differ by a few ms).
    assertThat(second.until().minus(blacklist)).isAfterOrEqualTo(first.until().minusMillis(20));
    assertThat(ids(auto.activeRelays())).containsExactly(good.peerId());
    assertThat(full.reservations()).extracting(r -> r.peer()).containsExactly(other.peerId());
  }

  @Test
  void preferredRelaysAreChosenFirstAndTakeOverFromOthers() throws Exception {
    RelayServer plain1 = relay();
    RelayServer plain2 = relay();
    RelayServer pref1 = relay();
    RelayServer pref2 = relay();
    Listener peer = listener();
    Events ev = new Events();
    AutoRelay auto = auto(peer, client(peer), quick().minRelays(1).maxRelays(2).build(), ev);
    auto.addCandidate(addr(plain1));
    auto.addCandidate(addr(plain2));
    auto.addPreferredRelay(addr(pref1));
    assertThat(auto.selectRelay()).contains(addr(pref1));
    auto.start();
    Events.Res first = ev.next(Events.Reserved.class).r();
    assertThat(first.relay()).isEqualTo(pref1.peerId());
    assertThat(ids(auto.activeRelays())).containsExactly(pref1.peerId());

    // A second preferred relay is reserved too (up to maxRelays); a plain one never is.
    auto.addPreferredRelay(addr(pref2));
    assertThat(ev.next(Events.Reserved.class).r().relay()).isEqualTo(pref2.peerId());
    assertThat(ids(auto.activeRelays())).containsExactlyInAnyOrder(pref1.peerId(), pref2.peerId());
    assertThat(auto.activeRelays()).allMatch(ActiveRelay::preferred);
    assertThat(plain1.reservations()).isEmpty();
    assertThat(plain2.reservations()).isEmpty();
  }

  @Test
  void aPreferredRelayAddedLaterTakesThePlaceOfAPlainOne() throws Exception {
    RelayServer plain = relay();
    RelayServer pref = relay();
    Listener peer = listener();
    Events ev = new Events();
    AutoRelay auto = auto(peer, client(peer), quick().minRelays(1).build(), ev);
    auto.addCandidate(addr(plain));
    auto.start();
    assertThat(ev.next(Events.Reserved.class).r().relay()).isEqualTo(plain.peerId());
    auto.addPreferredRelay(addr(pref));
    assertThat(ev.next(Events.Reserved.class).r().relay()).isEqualTo(pref.peerId());
    Events.Lost dropped = ev.next(Events.Lost.class);
    assertThat(dropped.relay()).isEqualTo(plain.peerId());
    assertThat(dropped.reason()).contains("preferred");
    assertThat(ids(auto.activeRelays())).containsExactly(pref.peerId());
  }

  @Test
  void reservationsAreRefreshedBeforeTheyExpire() throws Exception {
    RelayServer shortLived = relay(RelayLimiter.unlimited().toBuilder().reservationTtl(Duration.ofSeconds(3)).build(),
        Acl.ALLOW_ALL);
    Listener peer = listener();
    Events ev = new Events();
    AutoRelay auto = auto(peer, client(peer), quick().minRelays(1).build(), ev);
    auto.addCandidate(addr(shortLived));
    auto.start();
    Events.Res first = ev.next(Events.Reserved.class).r();
    // Refreshed by the client, watched by AutoRelay, until the first reservation's expiry has passed.
    Events.Res last = first;
    while (!Instant.now().isAfter(first.expiration())) {
      last = ev.next(Events.Refreshed.class).r();
      assertThat(last.expiration()).isAfterOrEqualTo(first.expiration());
    }
    assertThat(last.expiration()).isAfter(first.expiration());
    assertThat(auto.activeRelays()).singleElement().satisfies(a -> assertThat(a.expiration()).isAfter(first.expiration()));
    assertThat(shortLived.reservations()).extracting(r -> r.peer()).containsExactly(peer.peerId());
    assertThat(ev.seen).noneMatch(e -> e instanceof Events.Lost);

    // And on demand.
    List<ActiveRelay> after = get(auto.refreshReservations());
    assertThat(after).singleElement().satisfies(a -> assertThat(a.expiration()).isAfterOrEqualTo(
        auto.activeRelays().get(0).expiration()));
    ev.next(Events.Refreshed.class);

    // Still reachable past the first expiry.
    Listener dialer = listener();
    Peer p = get(client(dialer).dial(first.addrs().get(0)));
    assertThat(get(p.ping())).isPositive();
  }

  @Test
  void stopReleasesEverything() throws Exception {
    RelayServer r1 = relay();
    RelayServer r2 = relay();
    Listener peer = listener();
    RelayClient pc = client(peer);
    Events ev = new Events();
    AutoRelay auto = auto(peer, pc, quick().build(), ev);
    auto.addSource(CandidateSource.of(List.of(addr(r1), addr(r2))));
    auto.start();
    reservedOn(ev, 2);
    assertThat(r1.reservations()).hasSize(1);
    List<CompletableFuture<Void>> relaySides = new ArrayList<>();
    for (RelayServer r : List.of(r1, r2)) {
      for (Peer p : r.listener().peers()) {
        if (p.peerId().equals(peer.peerId())) {
          relaySides.add(p.closeFuture());
        }
      }
    }
    assertThat(relaySides).hasSize(2);

    get(auto.stop());
    assertThat(ev.next(Events.Addrs.class, a -> a.addrs().isEmpty()).addrs()).isEmpty();
    assertThat(auto.activeRelays()).isEmpty();
    assertThat(auto.relayAddresses()).isEmpty();
    assertThat(pc.reservations()).isEmpty();
    assertThat(Host.of(peer).listenAddresses()).noneMatch(Multiaddr::isRelayed);
    // The relays see the connections close, and with them the reservations go.
    get(CompletableFuture.allOf(relaySides.toArray(CompletableFuture[]::new)));
    // The relay drops the reservation in its own close callback, which may run after ours.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> r1.reservations().isEmpty() && r2.reservations().isEmpty());
    assertThat(r1.reservations()).isEmpty();
    assertThat(r2.reservations()).isEmpty();
    assertThat(get(auto.stop())).isNull(); // twice is fine
  }

  @Test
  void suspendReleasesTheReservationsAndStartResumes() throws Exception {
    RelayServer r1 = relay();
    RelayServer r2 = relay();
    Listener peer = listener();
    RelayClient pc = client(peer);
    Events ev = new Events();
    AutoRelay auto = auto(peer, pc, quick().build(), ev);
    auto.addSource(CandidateSource.of(List.of(addr(r1), addr(r2))));
    auto.start();
    reservedOn(ev, 2);

    get(auto.suspend());
    assertThat(ev.next(Events.Addrs.class, a -> a.addrs().isEmpty()).addrs()).isEmpty();
    assertThat(auto.activeRelays()).isEmpty();
    assertThat(pc.reservations()).isEmpty();
    assertThat(Host.of(peer).listenAddresses()).noneMatch(Multiaddr::isRelayed);

    auto.start(); // resumes from the same candidate sources
    reservedOn(ev, 2);
    assertThat(auto.activeRelays()).hasSize(2);
    assertThat(auto.relayAddresses()).hasSize(2);
    get(auto.stop());
  }

  @Test
  void aManagerSuspendsAutoRelayOnceAutoNatFindsItPublic() throws Exception {
    RelayServer r1 = relay();
    RelayServer r2 = relay();
    AddressFilter loopbackPublic =
        AddressFilter.internet().withPublic("127.0.0.0/8");
    AutoNatConfig nat = AutoNatConfig.builder()
        .confirmations(1)
        .serverQueryInterval(Duration.ZERO)
        .serverPerPeerLimit(100)
        .dialBackTimeout(Duration.ofSeconds(5))
        .build();
    Manager natServer = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .publicAddressFilter(loopbackPublic)
        .autoNat(nat)
        .build();
    closers.add(natServer);
    get(natServer.start());
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .publicAddressFilter(loopbackPublic)
        .autoNat(nat)
        .autoRelay(quick().build(), List.of(addr(r1), addr(r2)))
        .build();
    closers.add(m);
    get(m.start());
    // While reachability is UNKNOWN, AutoRelay reserves.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> m.reservations().size() == 2);

    // Meeting an AutoNAT server that can dial us back makes us PUBLIC: AutoRelay lets go.
    get(m.connect(natServer.listener().listenAddresses().get(0)));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> m.reachability() == Reachability.PUBLIC);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> m.reservations().isEmpty());
    assertThat(m.relayedAddresses()).isEmpty();
    assertThat(Host.of(m.listener()).listenAddresses()).noneMatch(Multiaddr::isRelayed);
  }

  @Test
  void aManagerConfiguredWithAutoRelayStaysReachable() throws Exception {
    RelayServer r1 = relay();
    RelayServer r2 = relay();
    RelayServer r3 = relay();
    Events ev = new Events();
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .autoRelay(quick().build(), List.of(addr(r1), addr(r2)))
        .preferredRelay(addr(r3))
        .eventListener(ev)
        .build();
    closers.add(m);
    get(m.start());
    Set<PeerId> held = reservedOn(ev, 2);
    assertThat(held).contains(r3.peerId());
    assertThat(m.listenAddresses()).containsAll(m.relayedAddresses());
    Manager dialer = Manager.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).build();
    closers.add(dialer);
    get(dialer.start());
    Peer p = get(dialer.connect(m.relayedAddresses().get(0)));
    assertThat(p.peerId()).isEqualTo(m.peerId());
    assertThat(p.path()).isEqualTo(ConnectionPath.RELAYED);
  }

  @Test
  void relaysSeenThroughIdentifyBecomeCandidates() throws Exception {
    RelayServer r = relay();
    Listener peer = listener();
    Events ev = new Events();
    AutoRelay auto = auto(peer, client(peer), quick().minRelays(1).bootDelay(Duration.ZERO).build(), ev);
    auto.addSource(IdentifyCandidateSource.watching(peer, 16));
    auto.start();
    assertThat(auto.activeRelays()).isEmpty();
    // The peer happens to connect to a relay: identify lists hop, and AutoRelay reserves there.
    get(Host.of(peer).dial(addr(r)));
    assertThat(ev.next(Events.Reserved.class).r().relay()).isEqualTo(r.peerId());
  }
}
