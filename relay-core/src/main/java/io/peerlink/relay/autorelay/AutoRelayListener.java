package io.peerlink.relay.autorelay;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Reservation;
import java.time.Instant;
import java.util.List;

/**
 * Hears what an {@link AutoRelay} does. Every method has a no-op default. Calls come one at a
 * time, in order, on {@link AutoRelayConfig#eventExecutor()}; a listener that throws is logged
 * and skipped.
 */
public interface AutoRelayListener {

  /**
   * Our relayed addresses changed (a relay added, lost, or its reservation renewed with other
   * addresses): {@code addrs} is the whole new set, empty when no relay is held. Identify answers
   * carry the same set from now on.
   *
   * @param addrs our relayed addresses now
   */
  default void addressesChanged(List<Multiaddr> addrs) {}

  /**
   * A new reservation was made: the first ones, or one replacing a lost relay. Not called for refreshes.
   *
   * @param reservation the new reservation
   */
  default void reserved(Reservation reservation) {}

  /**
   * A held reservation was refreshed (by the client before expiry, or {@link AutoRelay#refreshReservations()}).
   *
   * @param reservation the refreshed reservation
   */
  default void refreshed(Reservation reservation) {}

  /**
   * A held relay was lost: its connection closed, a refresh failed, or it was dropped (extra
   * non-preferred relay, {@link AutoRelay#stop()} does not report). {@code reason} is short text
   * for logs; {@code cause} may be null.
   *
   * @param relay the relay lost
   * @param reason why, in words
   * @param cause the underlying failure, or null
   */
  default void relayLost(PeerId relay, String reason, Throwable cause) {}

  /**
   * A relay is skipped until {@code until}: it refused a reservation, could not be reached, or does
   * not offer the hop protocol.
   *
   * @param relay the relay skipped
   * @param until when it may be tried again
   * @param cause the underlying failure, or null
   */
  default void blacklisted(PeerId relay, Instant until, Throwable cause) {}
}
