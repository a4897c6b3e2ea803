package io.peerlink.relay.internal.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lookup over an in-memory network of 200 peers, each with a full Kademlia routing table of
 * the others: answers are given in a controlled order, so the concurrency bound and the result
 * can be checked exactly.
 */
class LookupTest {
  private static final int N = 200;
  private static final List<Multiaddr> ADDRS = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"));
  private final List<PeerId> ids = new ArrayList<>();
  private final Map<PeerId, RoutingTable> tables = new HashMap<>();
  private final PeerId self = Identity.generate().peerId();

  @BeforeEach
  void network() {
    for (int i = 0; i < N; i++) {
      ids.add(Identity.generate().peerId());
    }
    List<PeerId> everyone = new ArrayList<>(ids);
    everyone.add(self);
    for (PeerId p : everyone) {
      RoutingTable t = new RoutingTable(p, 20, Long.MAX_VALUE, () -> 0);
      for (PeerId q : ids) {
        t.tryAdd(q, ADDRS);
      }
      tables.put(p, t);
    }
  }

  /** Queries answered one at a time, from a queue the test drains, counting the most in flight. */
  private class Network implements Lookup.Query {
    final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    final Set<PeerId> down = new HashSet<>();
    final AtomicInteger asked = new AtomicInteger();
    int maxInFlight;
    final KadKey target;

    Network(KadKey target) {
      this.target = target;
    }

    @Override
    public CompletableFuture<List<KadPeer>> ask(KadPeer peer) {
      asked.incrementAndGet();
      CompletableFuture<List<KadPeer>> f = new CompletableFuture<>();
      pending.add(() -> {
        if (down.contains(peer.id())) {
          f.completeExceptionally(new RuntimeException("down"));
        } else {
          f.complete(tables.get(peer.id()).closest(target, 20));
        }
      });
      maxInFlight = Math.max(maxInFlight, pending.size());
      return f;
    }

    Lookup.Result drain(CompletableFuture<Lookup.Result> r) {
      Random order = new Random(7);
      while (!r.isDone()) {
        // Answer a random pending query, so answers arrive out of order.
        List<Runnable> all = new ArrayList<>(pending);
        Runnable next = all.get(order.nextInt(all.size()));
        pending.remove(next);
        next.run();
      }
      return r.join();
    }
  }

  private List<PeerId> trueClosest(KadKey target, Set<PeerId> excluded) {
    return ids.stream().filter(p -> !excluded.contains(p))
        .sorted(Comparator.comparing(KadKey::of, target.byDistance())).limit(20).toList();
  }

  @Test
  void findsTheKClosestPeersOfTheNetworkWithAtMostAlphaInFlight() {
    for (int round = 0; round < 5; round++) {
      KadKey target = KadKey.of(("key " + round).getBytes());
      Network net = new Network(target);
      Lookup.Result r = net.drain(Lookup.run(self, target, tables.get(self).closest(target, 20), 20, 10, 3, net));
      assertThat(r.closest()).extracting(KadPeer::id).containsExactlyElementsOf(trueClosest(target, Set.of()));
      assertThat(net.maxInFlight).as("alpha bounds the follow-up too").isLessThanOrEqualTo(10);
      assertThat(r.queried()).isLessThan(N / 2);
    }
  }

  @Test
  void peersThatFailAreLeftOutAndTheNextClosestTakeTheirPlace() {
    KadKey target = KadKey.of("failing".getBytes());
    Network net = new Network(target);
    List<PeerId> closest = trueClosest(target, Set.of());
    net.down.addAll(closest.subList(0, 5));
    Lookup.Result r = net.drain(Lookup.run(self, target, tables.get(self).closest(target, 20), 20, 10, 3, net));
    // Replies name only the k closest each knows, down peers included, so the last few of the
    // true k closest without them may go unnamed (then the result has fewer than k); the first
    // 15 are always found.
    assertThat(r.closest()).hasSizeGreaterThanOrEqualTo(15).extracting(KadPeer::id).doesNotContainAnyElementsOf(net.down)
        .containsAll(trueClosest(target, net.down).subList(0, 15));
  }

  @Test
  void stopsAsSoonAsTheCallerIsDone() {
    KadKey target = KadKey.of("early".getBytes());
    AtomicInteger answers = new AtomicInteger();
    Network net = new Network(target) {
      @Override
      public CompletableFuture<List<KadPeer>> ask(KadPeer peer) {
        return super.ask(peer).thenApply(x -> {
          answers.incrementAndGet();
          return x;
        });
      }

      @Override
      public boolean done() {
        return answers.get() >= 1;
      }
    };
    Lookup.Result r = net.drain(Lookup.run(self, target, tables.get(self).closest(target, 20), 20, 10, 3, net));
    assertThat(r.queried()).isEqualTo(1);
    assertThat(net.asked.get()).isEqualTo(10);
  }

  @Test
  void hopsCountTheAnswersOnTheWayToTheTarget() {
    // A chain: our table holds only a; a knows only b; b only c; c names the target.
    List<PeerId> chain = ids.subList(0, 4);
    PeerId wanted = chain.get(3);
    KadKey target = KadKey.of(wanted);
    Set<PeerId> named = new HashSet<>();
    Lookup.Query q = new Lookup.Query() {
      @Override
      public CompletableFuture<List<KadPeer>> ask(KadPeer peer) {
        int i = chain.indexOf(peer.id());
        List<KadPeer> next = i < 3 ? List.of(new KadPeer(chain.get(i + 1), ADDRS)) : List.of();
        if (i == 2) {
          named.add(wanted);
        }
        return CompletableFuture.completedFuture(next);
      }

      @Override
      public boolean done() {
        return named.contains(wanted);
      }
    };
    Lookup.Result r = Lookup.run(self, target, List.of(new KadPeer(chain.get(0), ADDRS)), 20, 10, 3, q).join();
    assertThat(r.hops()).isEqualTo(3);
    assertThat(r.queried()).isEqualTo(3);
    assertThat(r.unreachable()).isZero();

    // Without an early stop, the deepest answer counts: the target itself, hop 4.
    named.clear();
    Lookup.Query full = new Lookup.Query() {
      @Override
      public CompletableFuture<List<KadPeer>> ask(KadPeer peer) {
        return q.ask(peer);
      }
    };
    Lookup.Result all = Lookup.run(self, target, List.of(new KadPeer(chain.get(0), ADDRS)), 20, 10, 3, full).join();
    assertThat(all.hops()).isEqualTo(4);
    assertThat(all.closest()).extracting(KadPeer::id).containsExactlyElementsOf(
        chain.stream().sorted(Comparator.comparing(KadKey::of, target.byDistance())).toList());
  }

  @Test
  void failedQueriesAreCounted() {
    KadKey target = KadKey.of("counted".getBytes());
    Network net = new Network(target);
    net.down.addAll(trueClosest(target, Set.of()).subList(0, 5));
    Lookup.Result r = net.drain(Lookup.run(self, target, tables.get(self).closest(target, 20), 20, 10, 3, net));
    assertThat(r.unreachable()).isEqualTo(5);
    assertThat(r.queried() + r.unreachable()).isEqualTo(net.asked.get());
    assertThat(r.hops()).isBetween(1, 4);
  }

  @Test
  void anEmptyTableEndsAtOnceAndWeAreNeverAsked() {
    KadKey target = KadKey.of(self);
    Network net = new Network(target);
    assertThat(Lookup.run(self, target, List.of(), 20, 10, 3, net).join().closest()).isEmpty();
    Lookup.Result r = net.drain(Lookup.run(self, target, List.of(new KadPeer(self, ADDRS)), 20, 10, 3, net));
    assertThat(r.queried()).isZero();
  }
}
