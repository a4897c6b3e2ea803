package io.peerlink.relay.internal.client;

import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.internal.circuit.ReservationVouchers;

/**
 * Checks a reservation's voucher as go-libp2p's client does, and more: a valid signed envelope of
 * record type {@code 03 02} in domain {@code libp2p-relay-rsvp}, signed by its relay, naming the
 * relay we asked and ourselves, and not expired.
 */
public final class VoucherCheck {
  private VoucherCheck() {}

  /**
   * Returns the verified voucher.
   *
   * @throws ProtocolViolationException saying what does not hold
   */
  public static ReservationVouchers.Voucher verify(byte[] envelope, PeerId relay, PeerId self, long nowSeconds)
      throws ProtocolViolationException {
    ReservationVouchers.Voucher v = ReservationVouchers.open(envelope);
    if (!v.relay().equals(relay)) {
      throw new ProtocolViolationException("voucher is for relay " + v.relay() + ", not " + relay);
    }
    if (!v.peer().equals(self)) {
      throw new ProtocolViolationException("voucher is for peer " + v.peer() + ", not us (" + self + ")");
    }
    if (Long.compareUnsigned(v.expiration(), nowSeconds) < 0) {
      throw new ProtocolViolationException("voucher expired at " + v.expiration() + " (now " + nowSeconds + ")");
    }
    return v;
  }
}
