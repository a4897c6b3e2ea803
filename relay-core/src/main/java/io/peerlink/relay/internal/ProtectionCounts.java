package io.peerlink.relay.internal;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.Host;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the holders of one {@link Host#protect protection tag} per peer. The host keeps a tag as a
 * flag, but several circuits can run through one relay and two punches can run with one peer: the
 * tag must stay until the last of them ends, so it is added on the first hold and released on the
 * last. Thread-safe.
 */
public final class ProtectionCounts {
  /** The tag on a relay while one of our circuits runs through it. */
  public static final String CIRCUIT = "circuit";
  /** The tag on a peer while we punch a hole to it. */
  public static final String HOLE_PUNCH = "hole-punch";
  /** The tag on a relay while we hold a reservation there. */
  public static final String RELAY_RESERVATION = "relay-reservation";

  private static final Map<Host, Map<String, ProtectionCounts>> SHARED = new WeakHashMap<>();

  private final Host host;
  private final String tag;
  private final Map<PeerId, Integer> holders = new HashMap<>(); // guarded by this

  /**
   * Counts the holders of {@code tag} on {@code host}.
   *
   * @param host the host whose connections are protected
   * @param tag the protection tag
   */
  public ProtectionCounts(Host host, String tag) {
    this.host = Objects.requireNonNull(host, "host");
    this.tag = Objects.requireNonNull(tag, "tag");
  }

  /**
   * The counts of {@code tag} on {@code host} that every part of relay-core shares, so that two
   * parts holding one tag on one peer (the two sides of hole punching) count together.
   *
   * @param host the host
   * @param tag the protection tag
   * @return the shared counts
   */
  public static ProtectionCounts of(Host host, String tag) {
    synchronized (SHARED) {
      return SHARED.computeIfAbsent(host, h -> new HashMap<>()).computeIfAbsent(tag, t -> new ProtectionCounts(host, t));
    }
  }

  /**
   * Protects {@code peer} until the returned release has run (once; later runs do nothing).
   *
   * @param peer the peer to protect
   * @return releases this hold
   */
  public Runnable hold(PeerId peer) {
    synchronized (this) {
      if (holders.merge(peer, 1, Integer::sum) == 1) {
        host.protect(peer, tag);
      }
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        release(peer);
      }
    };
  }

  private synchronized void release(PeerId peer) {
    Integer left = holders.computeIfPresent(peer, (p, n) -> n == 1 ? null : n - 1);
    if (left == null) {
      host.unprotect(peer, tag);
    }
  }

  /**
   * {@return how many holds {@code peer} has now}
   *
   * @param peer the peer
   */
  public synchronized int holds(PeerId peer) {
    return holders.getOrDefault(peer, 0);
  }
}
