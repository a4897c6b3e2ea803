package io.peerlink.relay.dht;

import io.peerlink.core.ConnectionManagerConfig;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.Dht;
import io.peerlink.relay.Manager;
import io.peerlink.relay.internal.dht.FoundPeer;
import io.peerlink.relay.internal.dht.KadDht;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The figures of docs/dht.md: a network of {@code -Dpeerlink.bench.dht.nodes} (200) peerlink DHT
 * servers on loopback in one JVM, FIND_PEER lookups between random live nodes, and a fifth of the
 * nodes ({@code -Dpeerlink.bench.dht.killed}, 0.2) killed halfway through. Prints the success
 * rate, hops and latency before and after the kill, and what the live nodes still hold of the
 * dead. Outside the normal build (its name is not a test's, and it needs
 * {@code -Dpeerlink.bench.dht=true}):
 *
 * <pre>
 * nice -n 10 ./mvnw -B -o -pl relay-core -am test -Dtest=DhtSimulationBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dpeerlink.bench.dht=true -Dnetty.leak.level=simple
 * </pre>
 *
 * The output is in relay-core/target/surefire-reports/io.peerlink.relay.dht.DhtSimulationBenchmark-output.txt.
 */
class DhtSimulationBenchmark {
  private static final int NODES = Integer.getInteger("peerlink.bench.dht.nodes", 200);
  private static final double KILLED = Double.parseDouble(System.getProperty("peerlink.bench.dht.killed", "0.2"));
  private static final int LOOKUPS = Integer.getInteger("peerlink.bench.dht.lookups", 1000);
  private static final int CONCURRENCY = Integer.getInteger("peerlink.bench.dht.concurrency", 8);
  private static final int THREADS = Integer.getInteger("peerlink.bench.dht.threads", 4);
  /**
   * Connections a node keeps (the connection manager trims down to the low mark above the high
   * one): both ends of every connection are in this process, and 200 nodes connected to most of
   * the others would pass a 20 000 open-file limit.
   */
  private static final int LOW_WATER = Integer.getInteger("peerlink.bench.dht.lowWater", 32);
  private static final int HIGH_WATER = Integer.getInteger("peerlink.bench.dht.highWater", 64);

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void lookupsInANetworkLosingAFifthOfItsNodes() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("peerlink.bench.dht"), "the DHT simulation runs with -Dpeerlink.bench.dht=true");
    Random random = new Random(15);
    long t0 = System.nanoTime();
    PeerConfig config = PeerConfig.builder().connectionManager(ConnectionManagerConfig.builder()
        .watermarks(LOW_WATER, HIGH_WATER).gracePeriod(Duration.ofSeconds(5)).silencePeriod(Duration.ofSeconds(1))
        .build()).build();
    try (DhtNetwork net = DhtNetwork.start(NODES, THREADS, config)) {
      print("%d nodes joined in %.1f s on %d shared event loop threads; routing table size median %.0f, "
          + "connections per node median %.0f (watermarks %d/%d); heap used %d MiB, threads %d, open files %d",
          NODES, seconds(t0), THREADS,
          median(net.live().stream().map(m -> m.dht().routingTable().size()).toList()),
          median(net.live().stream().map(m -> m.listener().peers().size()).toList()), LOW_WATER, HIGH_WATER,
          heapMiB(), Thread.activeCount(), openFiles());

      List<Manager> candidates = new ArrayList<>(net.all().subList(3, NODES));
      Collections.shuffle(candidates, random);
      List<Manager> victims = candidates.subList(0, (int) Math.round(NODES * KILLED));
      List<Manager> survivors = net.all().stream().filter(m -> !victims.contains(m)).toList();
      LookupLoad load = new LookupLoad(survivors, CONCURRENCY, random);
      long t1 = System.nanoTime();
      load.run(LOOKUPS, () -> {
        long k = System.nanoTime();
        net.kill(victims);
        print("killed %d of %d nodes in %.1f s, lookups in flight", victims.size(), NODES, seconds(k));
      });
      print("%d lookups (%d in flight) in %.1f s", LOOKUPS, CONCURRENCY, seconds(t1));
      print("%s", load.before.summary("before the kill"));
      print("%s", load.after.summary("from the kill on"));

      Set<PeerId> dead = victims.stream().map(Manager::peerId).collect(Collectors.toSet());
      int deadInClosest = 0;
      int staleFound = 0;
      for (Manager victim : victims) {
        Manager asker = survivors.get(random.nextInt(survivors.size()));
        List<Dht.PeerInfo> closest = asker.dht().getClosestPeers(victim.peerId().bytes()).get(60, TimeUnit.SECONDS);
        deadInClosest += (int) closest.stream().filter(p -> dead.contains(p.id())).count();
        FoundPeer f = ((KadDht) asker.dht()).lookupPeer(victim.peerId()).get(60, TimeUnit.SECONDS);
        staleFound += f.addrs().isEmpty() ? 0 : 1;
      }
      long deadInTables = survivors.stream().mapToLong(m -> m.dht().routingTable().stream()
          .filter(p -> dead.contains(p.id())).count()).sum();
      long tableEntries = survivors.stream().mapToLong(m -> m.dht().routingTable().size()).sum();
      print("dead peers: %d in the closest peers of the %d dead IDs' lookups; FIND_PEER of a dead ID still "
          + "named stale addresses %d of %d times; dead entries left in live routing tables %d of %d",
          deadInClosest, victims.size(), staleFound, victims.size(), deadInTables, tableEntries);
      print("heap used %d MiB, open files %d, total %.1f s", heapMiB(), openFiles(), seconds(t0));
    }
  }

  private static double median(List<Integer> v) {
    List<Integer> s = v.stream().sorted().toList();
    return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
  }

  private static long openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long heapMiB() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  private static void print(String format, Object... args) {
    System.out.println("DHT-SIM " + String.format(Locale.ROOT, format, args));
  }
}
