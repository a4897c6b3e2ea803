package io.peerlink.relay;

import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A slot held on a relay: peers can reach us through it at {@link #addrs()} until it expires (the
 * client refreshes it before then) or the connection to the relay drops.
 *
 * @param relay the relay's peer ID
 * @param relayAddr the address we reached the relay at, ending in {@code /p2p/<relay>}
 * @param expiration when the relay drops the reservation unless refreshed
 * @param addrs our relayed addresses, {@code <relay addr>/p2p-circuit/p2p/<self>}
 * @param limit the limit the relay puts on each relayed connection; null when none
 * @param voucher the relay's signed voucher (a signed envelope, already verified); null if the relay sent none
 */
public record Reservation(
    PeerId relay, Multiaddr relayAddr, Instant expiration, List<Multiaddr> addrs, ConnectionLimit limit,
    byte[] voucher) {
  /**
   * Copies the addresses and the voucher, so the record is immutable.
   *
   * @param relay the relay's peer ID
   * @param relayAddr the address we reached the relay at, ending in {@code /p2p/<relay>}
   * @param expiration when the relay drops the reservation unless refreshed
   * @param addrs our relayed addresses, {@code <relay addr>/p2p-circuit/p2p/<self>}
   * @param limit the limit the relay puts on each relayed connection; null when none
   * @param voucher the relay's signed voucher (a signed envelope, already verified); null if the relay sent none
   */
  public Reservation {
    addrs = List.copyOf(addrs);
    voucher = voucher == null ? null : voucher.clone();
  }

  /** {@return the limit, if the relay sets one} */
  public Optional<ConnectionLimit> connectionLimit() {
    return Optional.ofNullable(limit);
  }

  /** {@return a copy of the signed voucher, or null if the relay sent none} */
  @Override
  public byte[] voucher() {
    return voucher == null ? null : voucher.clone();
  }

  @Override
  public String toString() {
    return "Reservation(" + relay + " until " + expiration + " " + addrs + (limit == null ? "" : " " + limit) + ")";
  }
}
