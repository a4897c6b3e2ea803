package io.peerlink.relay.internal.circuit;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.SignedEnvelope;
import io.peerlink.relay.internal.proto.CircuitProtos.ReservationVoucher;
import java.security.SignatureException;
import java.util.Arrays;

/**
 * Reservation vouchers: a {@code ReservationVoucher} sealed in a signed envelope (RFC 0002,
 * {@link SignedEnvelope}) by the relay's identity key, domain {@value #DOMAIN}, payload type the raw
 * bytes {@code 03 02} (what go and js send and accept; the varint form {@code 82 06} is rejected by
 * go).
 */
public final class ReservationVouchers {

  /** Signature domain of reservation vouchers. */
  public static final String DOMAIN = "libp2p-relay-rsvp";
  /** Envelope payload type of a reservation voucher. */
  private static final byte[] PAYLOAD_TYPE = {0x03, 0x02};
  /** Largest envelope {@link #open} accepts: a voucher fits in the 4 KiB hop message with room. */
  public static final int MAX_ENVELOPE_SIZE = 4096;

  /** The payload type bytes {@code 03 02} (a copy). */
  public static byte[] payloadType() {
    return PAYLOAD_TYPE.clone();
  }

  /** A verified voucher: {@code relay} signed that {@code peer} holds a reservation until {@code expiration}. */
  public record Voucher(PeerId relay, PeerId peer, long expiration) {}

  private ReservationVouchers() {}

  /** Seals a voucher for {@code peer}, signed by {@code relay}; returns the marshalled envelope. */
  public static byte[] seal(Identity relay, PeerId peer, long expirationUnixSeconds) {
    byte[] payload = ReservationVoucher.newBuilder()
        .setRelay(ByteString.copyFrom(relay.peerId().bytes()))
        .setPeer(ByteString.copyFrom(peer.bytes()))
        .setExpiration(expirationUnixSeconds)
        .build()
        .toByteArray();
    return SignedEnvelope.seal(relay, DOMAIN, PAYLOAD_TYPE, payload).marshal();
  }

  /**
   * Opens and verifies a voucher envelope: the payload type is {@code 03 02}, the signature over
   * the {@value #DOMAIN} domain is valid, and the signer is the voucher's relay.
   *
   * @throws ProtocolViolationException if any of that fails or the bytes are malformed
   */
  public static Voucher open(byte[] envelope) throws ProtocolViolationException {
    if (envelope.length > MAX_ENVELOPE_SIZE) {
      throw new ProtocolViolationException("voucher envelope over " + MAX_ENVELOPE_SIZE + " bytes");
    }
    SignedEnvelope env;
    try {
      env = SignedEnvelope.open(envelope, DOMAIN);
    } catch (SignatureException e) {
      throw new ProtocolViolationException("voucher envelope: " + e.getMessage(), e);
    }
    if (!Arrays.equals(env.payloadType(), PAYLOAD_TYPE)) {
      throw new ProtocolViolationException("voucher payload type is not 03 02");
    }
    ReservationVoucher voucher;
    try {
      voucher = ReservationVoucher.parseFrom(env.payload());
    } catch (InvalidProtocolBufferException e) {
      throw new ProtocolViolationException("malformed voucher: " + e.getMessage(), e);
    }
    PeerId relay;
    PeerId peer;
    try {
      relay = PeerId.fromBytes(voucher.getRelay().toByteArray());
      peer = PeerId.fromBytes(voucher.getPeer().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new ProtocolViolationException("voucher peer IDs invalid: " + e.getMessage(), e);
    }
    if (!relay.matches(env.publicKey())) {
      throw new ProtocolViolationException("voucher signed by " + env.signer() + ", not its relay " + relay);
    }
    return new Voucher(relay, peer, voucher.getExpiration());
  }
}
