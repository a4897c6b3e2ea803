package io.peerlink.relay.internal.dht;

import io.peerlink.core.multiaddr.Multiaddr;
import java.util.List;
import java.util.Objects;

/**
 * What {@link KadDht#locate} found for one peer ID, with the lookup's own figures (peers asked,
 * failures, hops), which the DHT simulation measures; {@code findPeer} hands out only the
 * addresses.
 *
 * @param addrs the peer's addresses, each ending in {@code /p2p/<id>}; empty if nobody knew it
 * @param lookup what the lookup took; all zero when we were connected and no lookup ran
 */
public record FoundPeer(List<Multiaddr> addrs, Lookup.Result lookup) {
  /**
   * Copies the list.
   *
   * @param addrs the peer's addresses
   * @param lookup what the lookup took
   */
  public FoundPeer {
    addrs = List.copyOf(addrs);
    Objects.requireNonNull(lookup, "lookup");
  }
}
