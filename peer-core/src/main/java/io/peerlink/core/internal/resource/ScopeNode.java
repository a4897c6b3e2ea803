package io.peerlink.core.internal.resource;

import io.peerlink.core.ResourceLimits.Limit;
import io.peerlink.core.ResourceLimits.Resource;
import io.peerlink.core.ResourceLimits.Scope;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One scope's counters against its limit. Lock-free: a reservation is a compare-and-set that
 * never lets a counter pass its limit, so scopes shared by several event loops (the host, a peer,
 * a protocol) need no lock, and a refused reservation changes nothing.
 */
final class ScopeNode {
  private static final Resource[] RESOURCES = Resource.values();

  final Scope scope;
  private final Limit limit;
  private final long negotiatingLimit;
  private final AtomicLongArray used = new AtomicLongArray(RESOURCES.length);
  private final AtomicLongArray peak = new AtomicLongArray(RESOURCES.length);

  ScopeNode(Scope scope, Limit limit, long negotiatingLimit) {
    this.scope = scope;
    this.limit = limit;
    this.negotiatingLimit = negotiatingLimit;
  }

  long limit(Resource r) {
    return r == Resource.NEGOTIATING_STREAMS ? negotiatingLimit : limit.of(r);
  }

  /** Adds {@code n} of {@code r} if that stays within the limit; false (and nothing changed) if not. */
  boolean tryAdd(Resource r, long n) {
    return tryAdd(r, n, limit(r));
  }

  /**
   * Adds {@code n} of {@code r} if that stays within half the limit: for reservations that are
   * wanted but not needed (a receive window's growth), which must leave the rest to those that are.
   */
  boolean tryAddWithinHalf(Resource r, long n) {
    return tryAdd(r, n, limit(r) / 2);
  }

  private boolean tryAdd(Resource r, long n, long max) {
    int i = r.ordinal();
    for (;;) {
      long cur = used.get(i);
      if (n > max - cur) {
        return false;
      }
      if (used.compareAndSet(i, cur, cur + n)) {
        long now = cur + n;
        long p;
        while (now > (p = peak.get(i)) && !peak.compareAndSet(i, p, now)) {
          // retry: another thread raised the peak meanwhile
        }
        return true;
      }
    }
  }

  void remove(Resource r, long n) {
    used.addAndGet(r.ordinal(), -n);
  }

  long used(Resource r) {
    return used.get(r.ordinal());
  }

  long peak(Resource r) {
    return peak.get(r.ordinal());
  }

  /** Whether nothing is held here. */
  boolean isEmpty() {
    for (int i = 0; i < RESOURCES.length; i++) {
      if (used.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds {@code n} of {@code r} to every node, or to none: returns the first node without room
   * (after taking back what the nodes before it got), or null when all had room.
   */
  static ScopeNode tryAddAll(ScopeNode[] nodes, Resource r, long n) {
    return tryAddAll(nodes, r, n, false);
  }

  /** As {@link #tryAddAll(ScopeNode[], Resource, long)}, within half of each node's limit when {@code half}. */
  static ScopeNode tryAddAll(ScopeNode[] nodes, Resource r, long n, boolean half) {
    for (int i = 0; i < nodes.length; i++) {
      if (!(half ? nodes[i].tryAddWithinHalf(r, n) : nodes[i].tryAdd(r, n))) {
        for (int j = 0; j < i; j++) {
          nodes[j].remove(r, n);
        }
        return nodes[i];
      }
    }
    return null;
  }

  static void removeAll(ScopeNode[] nodes, Resource r, long n) {
    for (ScopeNode node : nodes) {
      node.remove(r, n);
    }
  }
}
