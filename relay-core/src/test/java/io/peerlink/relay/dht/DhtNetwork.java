package io.peerlink.relay.dht;

import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.peerlink.core.ListenerLimits;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.host.Transports;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.Manager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Many peerlink DHT servers on loopback in one JVM, for the churn test and the simulation
 * benchmark. Every manager runs on one shared event loop group (Manager.Builder.eventLoopGroup):
 * 200 managers with a group each would start hundreds of threads on a two-core machine.
 *
 * <p>Nodes join as a real network grows: a few at a time, each through the first three nodes
 * (the bootstrap peers). Early nodes learn of later ones as those look themselves up through
 * them (every DHT server that connects is checked and admitted), so no second round is run.
 */
final class DhtNetwork implements AutoCloseable {
  private static final int BOOTSTRAP_PEERS = 3;
  /** Nodes started at once while the network grows; the rest wait, as a network grows gradually. */
  private static final int JOINING_AT_ONCE = 10;

  private final EventLoopGroup group;
  private final PeerConfig config;
  private final List<Manager> nodes = new ArrayList<>();
  private final Set<Manager> killed = ConcurrentHashMap.newKeySet();

  private DhtNetwork(int threads, PeerConfig config) {
    this.group = Transports.newGroup(threads, "dht-sim");
    this.config = config;
  }

  /**
   * Starts {@code size} DHT servers and waits until each has joined.
   *
   * @param size how many nodes
   * @param threads the shared event loop group's threads
   * @param config each node's connection settings: at 200 nodes, the connection manager's
   *     watermarks keep both ends of every connection within the process's open-file limit
   * @return the network
   */
  static DhtNetwork start(int size, int threads, PeerConfig config) throws Exception {
    DhtNetwork net = new DhtNetwork(threads, config);
    try {
      net.grow(size);
      return net;
    } catch (Exception | Error e) {
      net.close();
      throw e;
    }
  }

  private void grow(int size) throws Exception {
    nodes.add(node(List.of()));
    List<Multiaddr> boot = new ArrayList<>();
    boot.add(nodes.get(0).listener().listenAddresses().get(0));
    while (nodes.size() < size) {
      List<Manager> batch = new ArrayList<>();
      for (int i = 0; i < JOINING_AT_ONCE && nodes.size() < size; i++) {
        Manager m = node(boot);
        nodes.add(m); // at once, so close() stops it if a later one fails to start
        batch.add(m);
      }
      // Started in the background by Manager.start(): a node has joined once its table holds someone.
      await().atMost(Duration.ofSeconds(60)).until(() -> batch.stream().allMatch(m -> !m.dht().routingTable().isEmpty()));
      if (nodes.size() % 50 == 1) {
        System.out.printf("DhtNetwork: %d nodes joined%n", nodes.size());
      }
      while (boot.size() < BOOTSTRAP_PEERS && boot.size() < nodes.size()) {
        boot.add(nodes.get(boot.size()).listener().listenAddresses().get(0));
      }
    }
  }

  private Manager node(List<Multiaddr> bootstrap) throws Exception {
    return Manager.builder(Identity.generate())
        .eventLoopGroup(group)
        .config(config)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .listenerLimits(ListenerLimits.builder().exemptLoopback(true).build()) // every node is 127.0.0.1
        .autoNat(null)
        .holePunching(null)
        .dht(DhtConfig.builder().mode(DhtConfig.Mode.SERVER).bootstrap(bootstrap).build())
        .build().start().get(30, TimeUnit.SECONDS);
  }

  /** {@return every node, killed ones included, in the order they joined} */
  List<Manager> all() {
    return Collections.unmodifiableList(nodes);
  }

  /** {@return the nodes not killed} */
  List<Manager> live() {
    return nodes.stream().filter(m -> !killed.contains(m)).toList();
  }

  /** {@return the killed nodes} */
  List<Manager> killed() {
    return nodes.stream().filter(killed::contains).toList();
  }

  /**
   * Stops {@code victims} at once, as a crash would stop them (their ports then refuse
   * connections); lookups under way elsewhere go on.
   *
   * @param victims the nodes to stop
   */
  void kill(Collection<Manager> victims) {
    killed.addAll(victims);
    closeAll(victims);
  }

  /** Closes managers in parallel on threads of its own: the common pool runs event listeners. */
  private static void closeAll(Collection<Manager> managers) {
    if (managers.isEmpty()) {
      return;
    }
    ExecutorService closers = Executors.newFixedThreadPool(Math.min(16, managers.size()));
    try {
      CompletableFuture.allOf(managers.stream().map(m -> CompletableFuture.runAsync(m::close, closers))
          .toArray(CompletableFuture[]::new)).join();
    } finally {
      closers.shutdown();
    }
  }

  @Override
  public void close() {
    closeAll(live());
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
