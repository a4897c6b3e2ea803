package io.peerlink.relay.server.internal;

import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.server.CircuitInfo;
import io.peerlink.relay.server.RelayLimiter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Circuits admitted by the relay, counted in total and per participating peer (a circuit counts for
 * both its source and its target, as go counts {@code MaxCircuits}). A slot is taken when a CONNECT
 * passes the checks, before the stop stream is opened, and given back exactly once with
 * {@link Circuit#release()}. Thread-safe.
 */
public final class CircuitTable {

  /** One admitted circuit; byte counters are updated by the splice. */
  public final class Circuit {
    private final PeerId source;
    private final PeerId target;
    private volatile Instant opened;
    private final AtomicLong toTarget = new AtomicLong();
    private final AtomicLong toSource = new AtomicLong();
    private boolean released;

    private Circuit(PeerId source, PeerId target, Instant admitted) {
      this.source = source;
      this.target = target;
      this.opened = admitted;
    }

    public PeerId source() {
      return source;
    }

    public PeerId target() {
      return target;
    }

    /** Marks the moment bytes start to flow. */
    public void spliced(Instant at) {
      opened = at;
    }

    public Instant opened() {
      return opened;
    }

    public AtomicLong toTarget() {
      return toTarget;
    }

    public AtomicLong toSource() {
      return toSource;
    }

    /** Gives the slot back; later calls do nothing. */
    public void release() {
      synchronized (CircuitTable.this) {
        if (released) {
          return;
        }
        released = true;
        live.remove(this);
        decrement(source);
        decrement(target);
      }
    }

    public CircuitInfo info() {
      return new CircuitInfo(source, target, opened, toTarget.get(), toSource.get());
    }
  }

  private final int maxTotal;
  private final int maxPerPeer;
  private final Set<Circuit> live = new LinkedHashSet<>();
  private final Map<PeerId, Integer> perPeer = new HashMap<>();

  public CircuitTable(RelayLimiter limiter) {
    this.maxTotal = limiter.maxCircuits();
    this.maxPerPeer = limiter.maxCircuitsPerPeer();
  }

  /** Takes a slot for a circuit from {@code source} to {@code target}, or returns null if a limit is reached. */
  public synchronized Circuit tryOpen(PeerId source, PeerId target, Instant now) {
    if (maxTotal > 0 && live.size() >= maxTotal) {
      return null;
    }
    if (maxPerPeer > 0
        && (perPeer.getOrDefault(source, 0) >= maxPerPeer || perPeer.getOrDefault(target, 0) >= maxPerPeer)) {
      return null;
    }
    Circuit c = new Circuit(source, target, now);
    live.add(c);
    perPeer.merge(source, 1, Integer::sum);
    perPeer.merge(target, 1, Integer::sum);
    return c;
  }

  /** Circuits admitted and not yet released. */
  public synchronized int size() {
    return live.size();
  }

  /** Circuits {@code peer} takes part in. */
  public synchronized int countFor(PeerId peer) {
    return perPeer.getOrDefault(peer, 0);
  }

  public synchronized List<CircuitInfo> snapshot() {
    List<CircuitInfo> out = new ArrayList<>(live.size());
    for (Circuit c : live) {
      out.add(c.info());
    }
    return out;
  }

  private void decrement(PeerId p) {
    perPeer.computeIfPresent(p, (k, n) -> n <= 1 ? null : n - 1);
  }
}
