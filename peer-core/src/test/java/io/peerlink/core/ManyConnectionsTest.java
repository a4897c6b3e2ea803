package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.host.Transports;
import io.peerlink.core.multiaddr.Multiaddr;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 1,000 connections held open on loopback, with the heap they cost measured: both ends live in
 * this JVM, so each connection is counted twice (client and server side).
 */
class ManyConnectionsTest extends PeerTestSupport {
  private static final int CONNECTIONS = 1000;
  /** Dials in flight at once: enough to keep both cores busy, few enough not to trip timeouts. */
  private static final int CONCURRENCY = 8;
  /** A generous bound: the measured figure (see the output) is far below it. */
  private static final long MAX_HEAP_PER_CONNECTION_BOTH_ENDS = 256 * 1024;

  private static long usedHeapAfterGc() throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  @Test
  void holdsAThousandConnectionsWithBoundedMemory() throws Exception {
    EventLoopGroup clientLoops = Transports.newGroup(2, "clients");
    try {
      // Eight identities make the thousand connections: the per-peer connection limits are off.
      PeerConfig config = FAST.toBuilder().resourceLimits(ResourceLimits.unlimited()).build();
      Listener server = listen(Listener.builder(Identity.generate()).config(config).listenOn(LOOPBACK)
          .limits(ListenerLimits.unlimited()));
      Multiaddr addr = server.listenAddresses().get(0);
      List<Connector> connectors = new ArrayList<>();
      for (int i = 0; i < CONCURRENCY; i++) {
        // One connector per lane: one connector joins concurrent dials to a peer into one.
        connectors.add(connector(Connector.builder(Identity.generate()).config(config).dialPolicy(NO_RETRY)
            .eventLoopGroup(clientLoops)));
      }
      // Warm up the handshake code, then measure from a settled heap.
      get(connectors.get(0).connect(addr)).close().get(10, TimeUnit.SECONDS);
      await("the warm-up connection to close", () -> server.stats().open() == 0);
      long before = usedHeapAfterGc();
      long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();

      long start = System.nanoTime();
      List<Peer> peers = new ArrayList<>();
      long[] dialMicros = new long[CONNECTIONS];
      for (int i = 0; i < CONNECTIONS; i += CONCURRENCY) {
        List<CompletableFuture<Peer>> batch = new ArrayList<>();
        long[] t0 = new long[CONCURRENCY];
        for (int k = 0; k < CONCURRENCY && i + k < CONNECTIONS; k++) {
          t0[k] = System.nanoTime();
          batch.add(connectors.get(k).connect(addr));
        }
        for (int k = 0; k < batch.size(); k++) {
          peers.add(get(batch.get(k)));
          dialMicros[i + k] = (System.nanoTime() - t0[k]) / 1000;
        }
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      await("the server to hold every connection", () -> server.stats().open() == CONNECTIONS
          && server.stats().upgrading() == 0);
      assertThat(peers).allMatch(Peer::isOpen);

      long after = usedHeapAfterGc();
      long directAfter = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
      long perConnection = (after - before) / CONNECTIONS;
      Arrays.sort(dialMicros);
      System.out.printf(
          "%d connections (Noise, yamux) opened in %d ms, %d at a time; dial median %.1f ms, p99 %.1f ms%n"
              + "heap: %d KiB before, %d KiB after: %d bytes per connection counting both ends (~%d per end)%n"
              + "pooled direct memory in use: %d KiB before, %d KiB after%n",
          CONNECTIONS, took.toMillis(), CONCURRENCY, dialMicros[CONNECTIONS / 2] / 1000.0,
          dialMicros[CONNECTIONS * 99 / 100] / 1000.0,
          before / 1024, after / 1024, perConnection, perConnection / 2,
          directBefore / 1024, directAfter / 1024);
      assertThat(perConnection).isLessThan(MAX_HEAP_PER_CONNECTION_BOTH_ENDS);

      // Everything still works, and closing releases every slot.
      assertThat(get(peers.get(CONNECTIONS - 1).ping())).isPositive();
      List<CompletableFuture<Void>> closing = new ArrayList<>();
      for (Peer p : peers) {
        closing.add(p.close());
      }
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      await("the server to see every close", () -> server.stats().open() == 0);
      for (Connector c : connectors) {
        c.close();
      }
    } finally {
      clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
