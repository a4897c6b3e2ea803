package io.peerlink.relay.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.PeerConfig;
import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.Dht;
import io.peerlink.relay.Manager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The DHT under churn, small enough for every build: 40 servers on loopback, FIND_PEER lookups
 * between random live nodes while a fifth of the network is killed. Live peers are still found,
 * and killed ones are not handed out as reachable. DhtSimulationBenchmark runs the same at 200
 * nodes for docs/dht.md's figures.
 */
@Timeout(180)
class DhtChurnTest {
  private static final int NODES = 40;
  private static final int KILLED = NODES / 5;
  private static final int LOOKUPS = 120;

  @Test
  void liveNodesAreFoundWhileAFifthOfTheNetworkDies() throws Exception {
    Random random = new Random(15);
    long t0 = System.nanoTime();
    try (DhtNetwork net = DhtNetwork.start(NODES, 2, PeerConfig.defaults())) {
      System.out.printf("%d nodes joined in %d ms%n", NODES, (System.nanoTime() - t0) / 1_000_000);
      // Never the bootstrap peers: a node joining later still needs them.
      List<Manager> candidates = new ArrayList<>(net.all().subList(3, NODES));
      Collections.shuffle(candidates, random);
      List<Manager> victims = candidates.subList(0, KILLED);
      List<Manager> survivors = net.all().stream().filter(m -> !victims.contains(m)).toList();

      LookupLoad load = new LookupLoad(survivors, 4, random);
      load.run(LOOKUPS, () -> net.kill(victims));
      System.out.printf("lookups done at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      System.out.println(load.before.summary("before the kill"));
      System.out.println(load.after.summary("during and after the kill"));

      assertThat(load.before.successRate()).as(load.before.summary("before")).isGreaterThanOrEqualTo(0.95);
      assertThat(load.after.successRate()).as(load.after.summary("after")).isGreaterThanOrEqualTo(0.95);
      // Found in a few hops: log2(40) is 5.3, and α = 10 parallel queries shorten the walk.
      assertThat(LookupFigures.percentile(load.after.found(), LookupFigures.Sample::hops, 50)).isBetween(1.0, 4.0);

      Set<PeerId> dead = victims.stream().map(Manager::peerId).collect(Collectors.toSet());
      for (Manager victim : victims) {
        Manager asker = survivors.get(random.nextInt(survivors.size()));
        // The closest peers of a dead node's own ID are its live neighbours, never itself nor
        // any other dead node: a lookup returns only peers that answered.
        List<Dht.PeerInfo> closest = get(asker.dht().getClosestPeers(victim.peerId().bytes()));
        assertThat(closest).isNotEmpty().extracting(Dht.PeerInfo::id).doesNotContainAnyElementsOf(dead);
      }
      // Killed means gone: no live node keeps a connection to a dead one.
      assertThat(victims).allSatisfy(v -> assertThat(v.listener().peers()).isEmpty());
      await().atMost(Duration.ofSeconds(30)).until(() -> survivors.stream()
          .allMatch(m -> m.listener().peers().stream().noneMatch(p -> dead.contains(p.peerId()))));
      System.out.printf("closest peers checked at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      // Dialing a dead node by its ID fails, whatever stale addresses the DHT still holds.
      Manager asker = survivors.get(0);
      CompletableFuture<?> dial = asker.dial(victims.get(0).peerId());
      assertThat(dial).failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class);
      System.out.printf("dead dial failed at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }
}
