package io.peerlink.relay.internal.circuit;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.internal.Varint;
import io.peerlink.relay.internal.proto.CircuitProtos.ReservationVoucher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;

/**
 * Reservation vouchers: a {@code ReservationVoucher} sealed in a signed envelope (RFC 0002) by the
 * relay's identity key, domain {@value #DOMAIN}, payload type the raw bytes {@code 03 02} (what go
 * and js send and accept; the varint form {@code 82 06} is rejected by go).
 *
 * <p>The envelope is encoded here directly (four fields) so relay-core needs nothing beyond the
 * identity API; when peer-core grows a general {@code SignedEnvelope}, this delegates to it.
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
    byte[] signature = relay.sign(signedBytes(DOMAIN, PAYLOAD_TYPE, payload));
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + payload.length + signature.length);
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeByteArray(1, relay.publicKey().marshal());
      out.writeByteArray(2, PAYLOAD_TYPE);
      out.writeByteArray(3, payload);
      out.writeByteArray(5, signature);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
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
    byte[] keyBytes = null;
    byte[] payloadType = null;
    byte[] payload = null;
    byte[] signature = null;
    try {
      CodedInputStream in = CodedInputStream.newInstance(envelope);
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (tag) {
          case (1 << 3) | 2 -> keyBytes = in.readByteArray();
          case (2 << 3) | 2 -> payloadType = in.readByteArray();
          case (3 << 3) | 2 -> payload = in.readByteArray();
          case (5 << 3) | 2 -> signature = in.readByteArray();
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw new ProtocolViolationException("malformed voucher envelope: " + e.getMessage(), e);
    }
    if (keyBytes == null || payloadType == null || payload == null || signature == null) {
      throw new ProtocolViolationException("voucher envelope lacks a field");
    }
    if (!java.util.Arrays.equals(payloadType, PAYLOAD_TYPE)) {
      throw new ProtocolViolationException("voucher payload type is not 03 02");
    }
    PublicKey key;
    try {
      key = PublicKey.unmarshal(keyBytes);
    } catch (InvalidKeyException e) {
      throw new ProtocolViolationException("voucher signer key invalid: " + e.getMessage(), e);
    }
    if (!key.verify(signedBytes(DOMAIN, payloadType, payload), signature)) {
      throw new ProtocolViolationException("voucher signature does not verify");
    }
    ReservationVoucher voucher;
    try {
      voucher = ReservationVoucher.parseFrom(payload);
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
    if (!relay.matches(key)) {
      throw new ProtocolViolationException("voucher signed by " + key.peerId() + ", not its relay " + relay);
    }
    return new Voucher(relay, peer, voucher.getExpiration());
  }

  /** {@code uvarint(len(domain)) ‖ domain ‖ uvarint(len(type)) ‖ type ‖ uvarint(len(payload)) ‖ payload}. */
  static byte[] signedBytes(String domain, byte[] payloadType, byte[] payload) {
    byte[] d = domain.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + payloadType.length + payload.length + 12);
    out.writeBytes(Varint.encode(d.length));
    out.writeBytes(d);
    out.writeBytes(Varint.encode(payloadType.length));
    out.writeBytes(payloadType);
    out.writeBytes(Varint.encode(payload.length));
    out.writeBytes(payload);
    return out.toByteArray();
  }
}
