package io.peerlink.relay.internal.dht;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.internal.HostTimer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHT's background work: every refresh interval (10 min) a lookup of our own ID and one
 * random-key lookup per bucket no lookup went through lately (the spec's and go's refresh);
 * every hour expired records and provider entries are dropped (go's provider GC); every
 * republish interval (22 h) our provided keys are announced again.
 */
final class Refresh implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Refresh.class);
  /** Buckets this deep are never refreshed: finding a key for them takes about 2^depth hashes. */
  private static final int MAX_REFRESH_DEPTH = 16;
  private static final Duration EXPIRY_INTERVAL = Duration.ofHours(1);

  private final KadDht dht;
  private final RoutingTable table;
  private final HostTimer timer;
  private final DhtConfig config;
  private final SecureRandom random = new SecureRandom();
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();

  Refresh(KadDht dht, RoutingTable table, HostTimer timer, DhtConfig config) {
    this.dht = dht;
    this.table = table;
    this.timer = timer;
    this.config = config;
  }

  synchronized void start() {
    timers.add(timer.every(config.refreshInterval(), () -> {
      if (!dht.isClosed()) {
        dht.closest(dht.selfPeer().id().bytes()); // our own neighbourhood
        refreshStale(config.refreshInterval());
      }
    }));
    timers.add(timer.every(EXPIRY_INTERVAL, dht::expireStores));
    timers.add(timer.every(config.republishInterval(), () -> {
      for (byte[] key : dht.provided()) {
        dht.announce(key);
      }
    }));
  }

  /** Refreshes every bucket up to the deepest in use, one lookup after another. */
  CompletableFuture<Void> refreshBuckets() {
    return refreshStale(Duration.ZERO);
  }

  private CompletableFuture<Void> refreshStale(Duration maxAge) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int cpl : table.staleBuckets(maxAge.toNanos())) {
      if (cpl > MAX_REFRESH_DEPTH) {
        break;
      }
      byte[] key = randomKeyIn(cpl);
      chain = chain.thenCompose(v -> dht.closest(key)).handle((r, e) -> {
        if (e != null) {
          log.debug("DHT: refresh of bucket {} failed: {}", cpl, e.toString());
        }
        return null;
      });
    }
    return chain;
  }

  /**
   * A random peer ID whose key shares exactly {@code cpl} leading bits with ours: a lookup for it
   * walks that bucket's part of the keyspace.
   */
  byte[] randomKeyIn(int cpl) {
    byte[] id = new byte[34];
    id[0] = 0x12; // sha2-256 multihash: a valid (RSA-style) peer ID that go and js parse
    id[1] = 0x20;
    byte[] digest = new byte[32];
    while (true) {
      random.nextBytes(digest);
      System.arraycopy(digest, 0, id, 2, 32);
      if (KadKey.of(id).commonPrefixLength(table.self()) == cpl) {
        return id;
      }
    }
  }

  @Override
  public synchronized void close() {
    timers.forEach(HostTimer::cancel);
    timers.clear();
  }
}
