package io.peerlink.relay.server;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Instant;

/**
 * A live reservation, as {@link RelayServer#reservations()} reports it.
 *
 * @param peer the peer holding the slot
 * @param address the address the peer reserved from (its connection's remote address)
 * @param expires when the reservation lapses unless refreshed
 */
public record ReservationInfo(PeerId peer, Multiaddr address, Instant expires) {}
