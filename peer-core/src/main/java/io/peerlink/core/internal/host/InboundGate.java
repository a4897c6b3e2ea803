package io.peerlink.core.internal.host;

import io.peerlink.core.ListenerLimits;
import io.peerlink.core.ListenerStats;
import io.peerlink.core.RejectReason;
import io.peerlink.core.spi.TokenBucket;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides, at accept time, whether an inbound connection may go on to its handshake, applying
 * {@link ListenerLimits} in this order: total, per IP, per-IP cooldown, accept rate (so a refused
 * connection does not spend a rate token). Thread-safe (one lock; accepts are rare next to reads).
 */
public final class InboundGate {
  /** Cooldown entries are swept when the table grows past this, keeping it bounded. */
  private static final int SWEEP_AT = 4096;

  private final ListenerLimits limits;
  private final LongSupplier clock;
  private final TokenBucket rate;
  private final Map<InetAddress, Integer> perIp = new HashMap<>();
  private final Map<InetAddress, Long> lastUpgrade = new HashMap<>();
  private final EnumMap<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
  private int open;
  private int upgrading;
  private long accepted;
  private long failed;
  private boolean closing;

  /** A gate with these limits and a nanosecond clock ({@code System::nanoTime} outside tests). */
  public InboundGate(ListenerLimits limits, LongSupplier nanoClock) {
    this.limits = limits;
    this.clock = nanoClock;
    this.rate = new TokenBucket(limits.acceptsPerSecond(), limits.acceptBurst(), nanoClock);
    for (RejectReason r : RejectReason.values()) {
      rejected.put(r, 0L);
    }
  }

  /** Result of {@link #tryAccept}: the accepted connection, or why it was refused. */
  public record Decision(AcceptedConn conn, RejectReason rejected) {}

  /** Admits or refuses a connection from {@code ip}. An admitted one must be closed with {@link AcceptedConn#closed()}. */
  public synchronized Decision tryAccept(InetAddress ip) {
    long now = clock.getAsLong();
    RejectReason reason = check(ip, now);
    if (reason != null) {
      rejected.merge(reason, 1L, Long::sum);
      return new Decision(null, reason);
    }
    boolean exempt = limits.exemptLoopback() && ip.isLoopbackAddress();
    open++;
    upgrading++;
    accepted++;
    perIp.merge(ip, 1, Integer::sum);
    if (!limits.upgradeCooldown().isZero()) {
      lastUpgrade.put(ip, now);
      if (lastUpgrade.size() > SWEEP_AT) {
        sweep(now);
      }
    }
    return new Decision(new AcceptedConn(this, ip, exempt, now), null);
  }

  private RejectReason check(InetAddress ip, long now) {
    if (closing) {
      return RejectReason.CLOSING;
    }
    if (open >= limits.maxInbound()) {
      return RejectReason.TOO_MANY_INBOUND;
    }
    if (limits.exemptLoopback() && ip.isLoopbackAddress()) {
      return null;
    }
    if (perIp.getOrDefault(ip, 0) >= limits.maxInboundPerIp()) {
      return RejectReason.TOO_MANY_FROM_IP;
    }
    long cooldown = limits.upgradeCooldown().toNanos();
    if (cooldown > 0) {
      Long last = lastUpgrade.get(ip);
      if (last != null && now - last < cooldown) {
        return RejectReason.COOLDOWN;
      }
    }
    if (!rate.tryTake()) {
      return RejectReason.RATE_LIMITED;
    }
    return null;
  }

  private void sweep(long now) {
    long cooldown = limits.upgradeCooldown().toNanos();
    for (Iterator<Long> it = lastUpgrade.values().iterator(); it.hasNext(); ) {
      if (now - it.next() >= cooldown) {
        it.remove();
      }
    }
  }

  synchronized void upgradeFinished(boolean success) {
    upgrading--;
    if (!success) {
      failed++;
    }
  }

  synchronized void release(AcceptedConn conn) {
    open--;
    perIp.computeIfPresent(conn.ip(), (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Refuses everything from now on. */
  public synchronized void close() {
    closing = true;
  }

  /** The counters. */
  public synchronized ListenerStats stats() {
    long total = rejected.values().stream().mapToLong(Long::longValue).sum();
    return new ListenerStats(accepted, total, rejected, failed, open, upgrading);
  }
}
