package io.peerlink.relay.dht;

import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Manager;
import io.peerlink.relay.internal.dht.FoundPeer;
import io.peerlink.relay.internal.dht.KadDht;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A stream of FIND_PEER lookups, each from a random node for another random node's ID, a few in
 * flight at once. Each runs the DHT's lookup even when the two are connected already (they mostly
 * are, on loopback): the figures are those of the routing, not of a shortcut; halfway through, an action (killing nodes) runs while lookups are in flight.
 * The lookups before and after it are counted apart.
 */
final class LookupLoad {
  private final List<Manager> nodes;
  private final int concurrency;
  private final Random random;
  final LookupFigures before = new LookupFigures();
  final LookupFigures after = new LookupFigures();

  /**
   * @param nodes the sources and targets: nodes that stay up throughout
   * @param concurrency lookups in flight at most
   * @param random picks sources and targets
   */
  LookupLoad(List<Manager> nodes, int concurrency, Random random) {
    this.nodes = List.copyOf(nodes);
    this.concurrency = concurrency;
    this.random = random;
  }

  /**
   * Runs {@code count} lookups; {@code midway} runs once half of them have been started.
   *
   * @param count how many lookups
   * @param midway what happens halfway, lookups still in flight
   */
  void run(int count, Runnable midway) throws Exception {
    Semaphore slots = new Semaphore(concurrency);
    for (int i = 0; i < count; i++) {
      if (i == count / 2) {
        midway.run();
      }
      slots.acquire(); // the test thread waits for a free slot; no event loop ever blocks here
      LookupFigures into = i < count / 2 ? before : after;
      Manager from = nodes.get(random.nextInt(nodes.size()));
      Manager to;
      do {
        to = nodes.get(random.nextInt(nodes.size()));
      } while (to == from);
      List<Multiaddr> where = to.listener().listenAddresses();
      long t0 = System.nanoTime();
      ((KadDht) from.dht()).lookupPeer(to.peerId()).whenComplete((found, err) -> {
        double millis = (System.nanoTime() - t0) / 1e6;
        if (err != null) {
          into.add(new LookupFigures.Sample(false, 0, 0, 0, millis));
        } else {
          into.add(sample(found, where, millis));
        }
        slots.release();
      });
    }
    if (!slots.tryAcquire(concurrency, 120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("lookups still running after 2 minutes");
    }
  }

  private static LookupFigures.Sample sample(FoundPeer found, List<Multiaddr> where, double millis) {
    boolean ok = found.addrs().stream().anyMatch(where::contains);
    return new LookupFigures.Sample(ok, found.lookup().hops(), found.lookup().queried(),
        found.lookup().unreachable(), millis);
  }
}
