package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.EventListener;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.AutoRelayConfig;
import io.peerlink.relay.CandidateSource;
import io.peerlink.relay.internal.autorelay.AutoRelay;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How long a relay's death goes unnoticed, with AutoRelay's default settings, on 127.0.0.1: from
 * the moment a held relay stops to (1) AutoRelay reporting it lost, (2) a replacement reserved,
 * (3) the new address set announced, (4) a dialer that was connected through the dead relay
 * reaching the peer again with the addresses it already had (the second relay held), and (5) a
 * dialer reaching it through the replacement's address once announced. Prints {@code [bench]}
 * lines (median and max over {@code -Dpeerlink.bench.rounds}, default 5). Not part of the normal
 * test run (the class name does not end in Test); run it with:
 *
 * <pre>
 * mvn -q -o -pl peer-core,relay-core,relay-server,examples test -Dtest=AutoRelayFailoverBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dpeerlink.bench.rounds=20]
 * </pre>
 */
class AutoRelayFailoverBenchmark {

  record Round(double lostMs, double reservedMs, double addrsMs, double redialKnownMs, double dialNewMs) {}

  @Test
  void failoverTimesWithDefaultSettings() throws Exception {
    int rounds = Integer.getInteger("peerlink.bench.rounds", 5);
    List<Round> results = new ArrayList<>();
    for (int i = 0; i < rounds + 1; i++) {
      Round r = round();
      if (i > 0) { // the first round warms the JVM up
        results.add(r);
        System.out.printf("[bench] autorelay failover round %d: lost %.1f ms, reserved %.1f ms, addrs %.1f ms,"
            + " dialer with known addrs %.1f ms, dialer via new addr %.1f ms%n",
            i, r.lostMs, r.reservedMs, r.addrsMs, r.redialKnownMs, r.dialNewMs);
      }
    }
    report("relay death -> relay-lost", results.stream().mapToDouble(Round::lostMs).toArray());
    report("relay death -> replacement reserved", results.stream().mapToDouble(Round::reservedMs).toArray());
    report("relay death -> addresses announced", results.stream().mapToDouble(Round::addrsMs).toArray());
    report("relay death -> dialer back (addresses it had)", results.stream().mapToDouble(Round::redialKnownMs).toArray());
    report("relay death -> dialer back (via the replacement)", results.stream().mapToDouble(Round::dialNewMs).toArray());
    // A benchmark reports figures; it does not pass or fail on them. It only checks it measured.
    for (Round r : results) {
      assertThat(r.reservedMs).isPositive();
      assertThat(r.dialNewMs).isPositive();
    }
  }

  private static void report(String what, double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    System.out.printf("[bench] %s: median %.1f ms, max %.1f ms (n=%d)%n", what, s[s.length / 2], s[s.length - 1], s.length);
  }

  private Round round() throws Exception {
    List<RelayServer> relays = new ArrayList<>();
    List<AutoCloseable> closers = new ArrayList<>();
    AutoRelay auto = null;
    try {
      for (int i = 0; i < 3; i++) {
        RelayServer r = RelayServer.builder(Identity.generate())
            .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
            .limiter(RelayLimiter.unlimited())
            .publicAddressFilter(AddressFilter.everything())
            .build();
        relays.add(r);
        get(r.start());
      }
      Listener peer = get(Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).build().start());
      closers.add(peer);
      RelayClient pc = RelayClient.create(peer);
      closers.add(pc);
      auto = AutoRelay.create(pc, peer, AutoRelayConfig.defaults());
      CompletableFuture<Void> two = new CompletableFuture<>();
      CompletableFuture<Long> lost = new CompletableFuture<>();
      CompletableFuture<PeerId> replaced = new CompletableFuture<>();
      CompletableFuture<Long> replacedAt = new CompletableFuture<>();
      CompletableFuture<List<Multiaddr>> newAddrs = new CompletableFuture<>();
      CompletableFuture<Long> newAddrsAt = new CompletableFuture<>();
      List<PeerId> held = new CopyOnWriteArrayList<>();
      Host.of(peer).addEventListener(new EventListener() {
        @Override
        public void relayAdded(PeerId relay, List<Multiaddr> addrs, Instant expires) {
          held.add(relay);
          if (held.size() == 2) {
            two.complete(null);
          } else if (held.size() == 3) {
            replacedAt.complete(System.nanoTime());
            replaced.complete(relay);
          }
        }

        @Override
        public void relayDropped(PeerId relay, String reason, PeerException cause) {
          lost.complete(System.nanoTime());
        }

        @Override
        public void relayAddressesChanged(List<Multiaddr> addrs) {
          if (replaced.isDone() || held.size() >= 3) {
            newAddrsAt.complete(System.nanoTime());
            newAddrs.complete(addrs);
          }
        }
      });
      auto.addSource(CandidateSource.of(relays.stream().map(r -> r.listener().listenAddresses().get(0)).toList()));
      auto.start();
      get(two);
      List<Multiaddr> known = auto.relayAddresses();
      RelayServer victim = relays.stream().filter(r -> r.peerId().equals(held.get(0))).findFirst().orElseThrow();
      Multiaddr viaVictim = known.stream().filter(a -> a.toString().contains(victim.peerId().toString())).findFirst().orElseThrow();

      Listener dialer = get(Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).build().start());
      closers.add(dialer);
      RelayClient dc = RelayClient.create(dialer);
      closers.add(dc);
      Peer first = get(dc.dial(viaVictim));
      // The dialer, on losing its connection, tries the addresses it had, in order (the dead relay's first).
      List<Multiaddr> order = new ArrayList<>(known);
      order.remove(viaVictim);
      order.add(0, viaVictim);
      CompletableFuture<Long> redialed = first.closeFuture().handle((v, e) -> null)
          .thenCompose(v -> tryInOrder(dc, order, 0)).thenApply(p -> System.nanoTime());
      // ...and another one dials the address announced after the change.
      CompletableFuture<Long> dialedNew = newAddrs.thenCompose(addrs -> {
        Multiaddr fresh = addrs.stream().filter(a -> !known.contains(a)).findFirst().orElseThrow();
        return dc.dial(fresh);
      }).thenApply(p -> System.nanoTime());

      long t0 = System.nanoTime();
      victim.stop(Duration.ZERO);
      long lostAt = get(lost);
      long reservedAt = get(replacedAt);
      long addrsAt = get(newAddrsAt);
      long redialAt = get(redialed);
      long dialNewAt = get(dialedNew);
      return new Round(ms(lostAt - t0), ms(reservedAt - t0), ms(addrsAt - t0), ms(redialAt - t0), ms(dialNewAt - t0));
    } finally {
      if (auto != null) {
        auto.stop().get(10, TimeUnit.SECONDS);
      }
      for (int i = closers.size() - 1; i >= 0; i--) {
        closers.get(i).close();
      }
      for (RelayServer r : relays) {
        r.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static CompletableFuture<Peer> tryInOrder(RelayClient dc, List<Multiaddr> addrs, int i) {
    return dc.dial(addrs.get(i)).exceptionallyCompose(err -> i + 1 < addrs.size()
        ? tryInOrder(dc, addrs, i + 1) : CompletableFuture.failedFuture(err));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
