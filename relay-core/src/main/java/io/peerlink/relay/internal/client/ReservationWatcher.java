package io.peerlink.relay.internal.client;

import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.Reservation;

/**
 * How the relay service and AutoRelay follow a {@link RelayClient}'s reservations as they happen
 * (applications see the same moments as {@code EventListener} reservation events). Methods have
 * no-op defaults, run on an event loop, and must not block.
 */
public interface ReservationWatcher {
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
