package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Reservation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A relay AutoRelay holds a reservation on.
 *
 * @param reservation the reservation (refreshed ones replace it)
 * @param preferred whether the relay was added with {@link AutoRelay#addPreferredRelay}
 * @param rtt the last round trip measured to the relay (ping), or null if none was
 */
public record ActiveRelay(Reservation reservation, boolean preferred, Duration rtt) {

  /** {@return the relay's peer ID} */
  public PeerId relay() {
    return reservation.relay();
  }

  /** {@return the relay's address, ending in {@code /p2p/<relay>}} */
  public Multiaddr relayAddr() {
    return reservation.relayAddr();
  }

  /** {@return when the reservation expires unless refreshed} */
  public Instant expiration() {
    return reservation.expiration();
  }

  /** {@return our addresses through this relay} */
  public List<Multiaddr> addrs() {
    return reservation.addrs();
  }

  /** {@return the measured RTT, if any} */
  public Optional<Duration> measuredRtt() {
    return Optional.ofNullable(rtt);
  }
}
