package io.peerlink.relay.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.identity.SignedEnvelope;
import io.peerlink.core.internal.proto.EnvelopeProtos.Envelope;
import io.peerlink.relay.internal.proto.CircuitProtos.ReservationVoucher;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReservationVouchersTest {

  private final Identity relay = Identity.generate();
  private final Identity peer = Identity.generate();

  @Test
  void sealOpenRoundTrip() throws Exception {
    byte[] env = ReservationVouchers.seal(relay, peer.peerId(), 1_800_000_000L);
    ReservationVouchers.Voucher v = ReservationVouchers.open(env);
    assertThat(v.relay()).isEqualTo(relay.peerId());
    assertThat(v.peer()).isEqualTo(peer.peerId());
    assertThat(v.expiration()).isEqualTo(1_800_000_000L);
  }

  /** Verifies with the generic Envelope protobuf and a signature check written from the RFC text. */
  @Test
  void independentDecoderVerifies() throws Exception {
    byte[] bytes = ReservationVouchers.seal(relay, peer.peerId(), 42);
    Envelope env = Envelope.parseFrom(bytes);
    assertThat(env.getPayloadType().toByteArray()).containsExactly(0x03, 0x02);
    PublicKey key = PublicKey.unmarshal(env.getPublicKey().toByteArray());
    assertThat(key.peerId()).isEqualTo(relay.peerId());
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    byte[] domain = "libp2p-relay-rsvp".getBytes(StandardCharsets.UTF_8);
    signed.write(domain.length);
    signed.writeBytes(domain);
    signed.write(2);
    signed.writeBytes(new byte[] {3, 2});
    byte[] payload = env.getPayload().toByteArray();
    assertThat(payload.length).isLessThan(128);
    signed.write(payload.length);
    signed.writeBytes(payload);
    assertThat(key.verify(signed.toByteArray(), env.getSignature().toByteArray())).isTrue();
    ReservationVoucher v = ReservationVoucher.parseFrom(payload);
    assertThat(v.getRelay().toByteArray()).isEqualTo(relay.peerId().bytes());
    assertThat(v.getPeer().toByteArray()).isEqualTo(peer.peerId().bytes());
    assertThat(v.getExpiration()).isEqualTo(42);
  }

  @Test
  void tamperingIsDetected() throws Exception {
    Envelope env = Envelope.parseFrom(ReservationVouchers.seal(relay, peer.peerId(), 42));
    ReservationVoucher other = ReservationVoucher.parseFrom(env.getPayload()).toBuilder().setExpiration(43).build();
    byte[] tampered = env.toBuilder().setPayload(other.toByteString()).build().toByteArray();
    assertThatThrownBy(() -> ReservationVouchers.open(tampered)).isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("signature");
    byte[] wrongType = env.toBuilder().setPayloadType(ByteString.copyFrom(new byte[] {(byte) 0x82, 0x06}))
        .build().toByteArray();
    assertThatThrownBy(() -> ReservationVouchers.open(wrongType)).isInstanceOf(ProtocolViolationException.class);
    assertThatThrownBy(() -> ReservationVouchers.open(new byte[] {1, 2, 3})).isInstanceOf(ProtocolViolationException.class);
  }

  @Test
  void signerMustBeTheVoucherRelay() throws Exception {
    // peer signs a voucher naming relay as the relay: valid signature, wrong signer
    byte[] payload = ReservationVoucher.newBuilder()
        .setRelay(ByteString.copyFrom(relay.peerId().bytes()))
        .setPeer(ByteString.copyFrom(peer.peerId().bytes()))
        .setExpiration(1).build().toByteArray();
    byte[] env = SignedEnvelope.seal(peer, "libp2p-relay-rsvp", new byte[] {3, 2}, payload).marshal();
    assertThatThrownBy(() -> ReservationVouchers.open(env)).hasMessageContaining("not its relay");
  }

  @Test
  void envelopeForAnotherDomainIsRefused() {
    byte[] payload = ReservationVoucher.newBuilder()
        .setRelay(ByteString.copyFrom(relay.peerId().bytes()))
        .setPeer(ByteString.copyFrom(peer.peerId().bytes()))
        .setExpiration(1).build().toByteArray();
    byte[] env = SignedEnvelope.seal(relay, "libp2p-peer-record", new byte[] {3, 2}, payload).marshal();
    assertThatThrownBy(() -> ReservationVouchers.open(env)).isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("signature");
  }
}
