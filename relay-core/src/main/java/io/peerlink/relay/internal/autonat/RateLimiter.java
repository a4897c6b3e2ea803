package io.peerlink.relay.internal.autonat;

import io.peerlink.core.identity.PeerId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/** Sliding-window limits: at most {@code perPeer} per peer and {@code global} in all per window. Thread-safe. */
public final class RateLimiter {
  private final int perPeer;
  private final int global;
  private final long windowNanos;
  private final ArrayDeque<Long> all = new ArrayDeque<>();
  private final Map<PeerId, ArrayDeque<Long>> byPeer = new HashMap<>();

  /** Limits per {@code window}. */
  public RateLimiter(int perPeer, int global, Duration window) {
    this.perPeer = perPeer;
    this.global = global;
    this.windowNanos = window.toNanos();
  }

  /** Takes one slot for {@code peer} at {@code nowNanos}; null if allowed, else which limit refused. */
  public synchronized String acquire(PeerId peer, long nowNanos) {
    prune(all, nowNanos);
    byPeer.values().forEach(q -> prune(q, nowNanos));
    byPeer.values().removeIf(ArrayDeque::isEmpty);
    ArrayDeque<Long> mine = byPeer.computeIfAbsent(peer, k -> new ArrayDeque<>());
    if (mine.size() >= perPeer) {
      if (mine.isEmpty()) {
        byPeer.remove(peer);
      }
      return "rate limit: at most " + perPeer + " dial backs per peer per " + windowNanos / 1_000_000 + " ms";
    }
    if (all.size() >= global) {
      if (mine.isEmpty()) {
        byPeer.remove(peer);
      }
      return "rate limit: at most " + global + " dial backs per " + windowNanos / 1_000_000 + " ms in all";
    }
    mine.add(nowNanos);
    all.add(nowNanos);
    return null;
  }

  private void prune(ArrayDeque<Long> q, long now) {
    while (!q.isEmpty() && now - q.peekFirst() >= windowNanos) {
      q.pollFirst();
    }
  }
}
