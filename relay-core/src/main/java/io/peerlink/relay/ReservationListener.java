package io.peerlink.relay;

import io.peerlink.core.identity.PeerId;

/**
 * Hears about a {@link RelayClient}'s reservations. Methods have no-op defaults, run on an event
 * loop, and must not block.
 */
public interface ReservationListener {
  /**
   * A reservation was granted or refreshed.
   *
   * @param reservation the reservation
   */
  default void reserved(Reservation reservation) {}

  /**
   * A reservation ended without being cancelled: its refresh failed or the connection to the
   * relay closed. {@code cause} says which.
   *
   * @param relay the relay
   * @param cause the underlying failure, or null
   */
  default void reservationLost(PeerId relay, Throwable cause) {}
}
