package io.peerlink.core.internal.connmgr;

import io.peerlink.core.AddressBook;
import io.peerlink.core.AddressBookConfig;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The host's {@link AddressBook}: per peer, a {@link PeerAddresses} table; expiry is checked
 * against the host's clock when addresses are read or room is needed, so nothing runs on a timer.
 * The connection-driven updates (identify answers, dials, the last disconnect) come from the host
 * through the methods that are not part of {@link AddressBook}.
 */
public final class TtlAddressBook implements AddressBook {
  private final AddressBookConfig config;
  private final Supplier<Clock> clock;
  private final Map<PeerId, PeerAddresses> peers = new ConcurrentHashMap<>();

  /**
   * A book bounded by {@code config}, reading time from {@code clock} (tests step it).
   *
   * @param config its bounds
   * @param clock the clock in force, asked each time
   */
  public TtlAddressBook(AddressBookConfig config, Supplier<Clock> clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whether peerlink can dial {@code a}: TCP, QUIC v1, or through a relay. */
  static boolean dialable(Multiaddr a) {
    return a.isRelayed() || a.toTransportSocketAddress().isPresent();
  }

  /**
   * {@code a} without its trailing {@code /p2p/<peer>}, checking that it names {@code peer} if it
   * has one ({@code <relay>/p2p/<relay id>/p2p-circuit} has none: its last component is the circuit).
   */
  static Multiaddr bare(PeerId peer, Multiaddr a) {
    Optional<PeerId> named = a.peerId();
    if (named.isPresent() && !named.get().equals(peer)) {
      throw new IllegalArgumentException(a + " names " + named.get() + ", not " + peer);
    }
    return a.withoutPeerId();
  }

  @Override
  public void add(PeerId peer, Collection<Multiaddr> addresses, Duration ttl) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    Instant now = clock.get().instant();
    Instant expiry = PeerAddresses.expiry(now, ttl);
    List<Multiaddr> bare = addresses.stream().map(a -> bare(peer, a)).filter(TtlAddressBook::dialable).toList();
    if (bare.isEmpty()) {
      return;
    }
    PeerAddresses table = tableFor(peer, now);
    if (table != null) {
      table.add(bare, expiry, now);
    }
  }

  @Override
  public List<Multiaddr> addresses(PeerId peer) {
    PeerAddresses table = peers.get(peer);
    return table == null ? List.of() : table.live(clock.get().instant());
  }

  @Override
  public void clear(PeerId peer) {
    peers.remove(peer);
  }

  @Override
  public Set<PeerId> peers() {
    Instant now = clock.get().instant();
    Set<PeerId> out = new HashSet<>();
    peers.forEach((id, t) -> {
      if (!t.live(now).isEmpty()) {
        out.add(id);
      }
    });
    return Set.copyOf(out);
  }

  // ------------------------------------------------------------------ from the host's connections

  /**
   * What {@code peer} announced in identify or identify push: these replace the addresses it
   * announced before and, like the address we reached it at, do not expire while it is connected
   * (go-libp2p's {@code ConnectedAddrTTL}). Addresses added by the caller stay as they were.
   *
   * @param peer the peer
   * @param announced its listen addresses
   */
  public void announced(PeerId peer, List<Multiaddr> announced) {
    Instant now = clock.get().instant();
    List<Multiaddr> bare = announced.stream()
        .map(a -> {
          try {
            return bare(peer, a);
          } catch (IllegalArgumentException e) {
            return null; // an address naming another peer is ignored, not fatal
          }
        })
        .filter(a -> a != null && dialable(a)).toList();
    PeerAddresses table = tableFor(peer, now);
    if (table != null) {
      table.replaceConnected(bare, now);
    }
  }

  /**
   * We hold a connection to {@code peer} that we dialed at {@code remote}: keep that address while
   * connected.
   *
   * @param peer the peer
   * @param remote the address we reached it at
   */
  public void dialed(PeerId peer, Multiaddr remote) {
    Multiaddr bare = remote.withoutPeerId();
    if (!dialable(bare)) {
      return;
    }
    Instant now = clock.get().instant();
    PeerAddresses table = tableFor(peer, now);
    if (table != null) {
      table.addConnected(bare, now);
    }
  }

  /**
   * The last connection to {@code peer} closed: its connected addresses now expire after
   * {@link #RECENTLY_CONNECTED_TTL}, at most {@link AddressBookConfig#recentlyConnectedMaxAddresses()}
   * of them, {@code lastRemote} (the address of the connection that closed last) first.
   *
   * @param peer the peer
   * @param lastRemote the remote address of its last connection, or null
   */
  public void disconnected(PeerId peer, Multiaddr lastRemote) {
    PeerAddresses table = peers.get(peer);
    if (table != null) {
      Instant now = clock.get().instant();
      table.disconnected(lastRemote == null ? null : lastRemote.withoutPeerId(),
          PeerAddresses.expiry(now, RECENTLY_CONNECTED_TTL), config.recentlyConnectedMaxAddresses());
    }
  }

  /** The table of {@code peer}, making room for a new one; null when the book is full of connected peers. */
  private PeerAddresses tableFor(PeerId peer, Instant now) {
    PeerAddresses t = peers.get(peer);
    if (t != null) {
      return t;
    }
    synchronized (peers) {
      t = peers.get(peer);
      if (t != null) {
        return t;
      }
      if (peers.size() >= config.maxPeers()) {
        peers.entrySet().removeIf(e -> e.getValue().live(now).isEmpty() && !e.getValue().connected());
      }
      if (peers.size() >= config.maxPeers()) {
        Optional<PeerId> victim = peers.entrySet().stream()
            .filter(e -> !e.getValue().connected())
            .min(Comparator.comparing(e -> e.getValue().latestExpiry()))
            .map(Map.Entry::getKey);
        if (victim.isEmpty()) {
          return null;
        }
        peers.remove(victim.get());
      }
      t = new PeerAddresses(config.maxAddressesPerPeer());
      peers.put(peer, t);
      return t;
    }
  }
}
