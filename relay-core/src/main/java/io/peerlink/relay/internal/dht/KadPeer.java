package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.List;
import java.util.Objects;

/**
 * A peer as DHT messages name it: its ID and the addresses it may be reached at (without
 * {@code /p2p/<id>}).
 *
 * @param id the peer
 * @param addrs its addresses, possibly empty
 */
public record KadPeer(PeerId id, List<Multiaddr> addrs) {

  /**
   * Copies the list and strips a trailing {@code /p2p/<id>} from each address.
   *
   * @param id the peer
   * @param addrs its addresses
   */
  public KadPeer {
    Objects.requireNonNull(id, "id");
    addrs = addrs.stream().map(Multiaddr::withoutPeerId).distinct().toList();
  }

  /** {@return the addresses, each ending in {@code /p2p/<id>}, ready to dial} */
  public List<Multiaddr> dialable() {
    return addrs.stream().map(a -> a.withPeerId(id)).toList();
  }
}
