package io.peerlink.core;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The addresses a host knows for other peers, each until it expires: go-libp2p's peerstore
 * address book. One per host ({@code Host.addressBook()}), shared by its pools, its dialers and
 * identify.
 *
 * <p>Addresses come from three places. The caller adds them ({@link #add}, {@link PeerPool#addAddresses}).
 * Identify and identify push replace what a peer said about itself: while the peer is connected
 * its announced addresses do not expire; after its last connection closes they are kept for
 * {@link #RECENTLY_CONNECTED_TTL} (at most {@link AddressBookConfig#recentlyConnectedMaxAddresses()}
 * of them). And the address we reached a peer at is kept the same way. Circuit addresses
 * ({@code <relay>/p2p-circuit}) are held like any other, so a dialer can reach a peer through
 * each relay it announced.
 *
 * <p>Addresses are stored without a trailing {@code /p2p/<peer>}. Only addresses peerlink can dial
 * are kept: TCP ({@code /ip4|ip6|dns…/tcp}) and relayed ({@code …/p2p-circuit}); others are dropped.
 * The book is bounded by {@link AddressBookConfig}. Thread-safe.
 */
public interface AddressBook {

  /**
   * Addresses that never expire, for peers the application always wants to reach (bootstrap
   * nodes, configured servers): go-libp2p's {@code PermanentAddrTTL}.
   */
  Duration PERMANENT = Duration.ofSeconds(Long.MAX_VALUE);

  /**
   * How long an address learned from a third party lives: one hour, go-libp2p's
   * {@code peerstore.AddressTTL}.
   */
  Duration ADDRESS_TTL = Duration.ofHours(1);

  /**
   * How long the addresses of a peer we were connected to live after its last connection closed:
   * 30 minutes, go-libp2p's {@code peerstore.RecentlyConnectedAddrTTL} (older go releases used 10
   * minutes).
   */
  Duration RECENTLY_CONNECTED_TTL = Duration.ofMinutes(30);

  /**
   * How long a short-lived address lives (one to try once, such as an address given to a single
   * dial): two minutes, go-libp2p's {@code peerstore.TempAddrTTL}.
   */
  Duration TEMP_TTL = Duration.ofMinutes(2);

  /**
   * Adds {@code addresses} for {@code peer}, each valid for {@code ttl}. An address already held
   * with a later expiry keeps it (go's {@code AddAddrs}); one that identify reported while the peer
   * is connected stays until the peer disconnects. Addresses peerlink cannot dial are dropped.
   *
   * @param peer the peer
   * @param addresses its addresses, with or without {@code /p2p/<peer>}
   * @param ttl how long they are valid; {@link #PERMANENT} for never expiring
   * @throws IllegalArgumentException if an address names another peer, or {@code ttl} is not positive
   */
  void add(PeerId peer, Collection<Multiaddr> addresses, Duration ttl);

  /**
   * The unexpired addresses of {@code peer}, in the order they were first added.
   *
   * @param peer the peer
   * @return its addresses without {@code /p2p/<peer>}, possibly none
   */
  List<Multiaddr> addresses(PeerId peer);

  /**
   * The unexpired relayed addresses of {@code peer} ({@code <relay transport>/p2p/<relay>/p2p-circuit}),
   * one per relay it can be reached through.
   *
   * @param peer the peer
   * @return its circuit addresses, possibly none
   */
  default List<Multiaddr> circuitAddresses(PeerId peer) {
    return addresses(peer).stream().filter(Multiaddr::isRelayed).toList();
  }

  /**
   * The unexpired direct (TCP) addresses of {@code peer}.
   *
   * @param peer the peer
   * @return its direct addresses, possibly none
   */
  default List<Multiaddr> directAddresses(PeerId peer) {
    return addresses(peer).stream().filter(a -> !a.isRelayed()).toList();
  }

  /**
   * Forgets every address of {@code peer}.
   *
   * @param peer the peer
   */
  void clear(PeerId peer);

  /** {@return the peers with at least one unexpired address} */
  Set<PeerId> peers();
}
