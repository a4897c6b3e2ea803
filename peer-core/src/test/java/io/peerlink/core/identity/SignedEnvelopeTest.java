package io.peerlink.core.identity;

import static io.peerlink.core.identity.KeyVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.peerlink.core.internal.proto.CryptoProtos;
import io.peerlink.core.internal.proto.EnvelopeProtos;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignedEnvelopeTest {
  private static final String DOMAIN = "libp2p-peer-record";
  private static final byte[] TYPE = {0x03, 0x01};
  private static final byte[] PAYLOAD = "hello".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @ValueSource(strings = {
    KeyVectors.ED25519_PRIVATE, KeyVectors.SECP256K1_PRIVATE, KeyVectors.ECDSA_PRIVATE, KeyVectors.RSA_PRIVATE
  })
  void sealThenOpen(String privateVector) throws Exception {
    Identity id = Identity.fromProtobuf(hex(privateVector));
    SignedEnvelope sealed = SignedEnvelope.seal(id, DOMAIN, TYPE, PAYLOAD);

    SignedEnvelope opened = SignedEnvelope.open(sealed.marshal(), DOMAIN);

    assertThat(opened.signer()).isEqualTo(id.peerId());
    assertThat(opened.publicKey()).isEqualTo(id.publicKey());
    assertThat(opened.payloadType()).isEqualTo(TYPE);
    assertThat(opened.payload()).isEqualTo(PAYLOAD);
    assertThat(opened.signature()).isEqualTo(sealed.signature());
    assertThat(opened.marshal()).isEqualTo(sealed.marshal());
  }

  /** Builds the envelope and the signed bytes by hand from RFC 0002, independently of seal(). */
  @Test
  void opensAnEnvelopeBuiltFromTheRfc() throws Exception {
    Identity id = Identity.fromProtobuf(hex(KeyVectors.ED25519_PRIVATE));
    // uvarint(18) "libp2p-peer-record" uvarint(2) 03 01 uvarint(5) "hello"
    byte[] unsigned = concat(
        new byte[] {18}, DOMAIN.getBytes(StandardCharsets.UTF_8),
        new byte[] {2, 3, 1},
        new byte[] {5}, PAYLOAD);
    byte[] envelope = concat(
        hex("0a24"), hex(KeyVectors.ED25519_PUBLIC), // field 1: public_key
        hex("12020301"), // field 2: payload_type
        hex("1a05"), PAYLOAD, // field 3: payload
        hex("2a40"), id.sign(unsigned)); // field 5: signature (64 bytes)

    SignedEnvelope opened = SignedEnvelope.open(envelope, DOMAIN);

    assertThat(opened.payload()).isEqualTo(PAYLOAD);
    assertThat(opened.signer().toBase58()).isEqualTo(KeyVectors.ED25519_ID);
    // seal() writes the same bytes: Ed25519 signatures are deterministic.
    assertThat(SignedEnvelope.seal(id, DOMAIN, TYPE, PAYLOAD).marshal()).isEqualTo(envelope);
  }

  @Test
  void wrongDomainIsRejected() {
    byte[] env = SignedEnvelope.seal(Identity.generate(), DOMAIN, TYPE, PAYLOAD).marshal();

    assertThatThrownBy(() -> SignedEnvelope.open(env, "libp2p-relay-rsvp"))
        .isInstanceOf(SignatureException.class);
  }

  @Test
  void tamperingIsRejected() throws Exception {
    Identity id = Identity.generate();
    EnvelopeProtos.Envelope env =
        EnvelopeProtos.Envelope.parseFrom(SignedEnvelope.seal(id, DOMAIN, TYPE, PAYLOAD).marshal());
    byte[] sig = env.getSignature().toByteArray();
    sig[0] ^= 1;

    EnvelopeProtos.Envelope[] tampered = {
      env.toBuilder().setPayload(ByteString.copyFromUtf8("hellO")).build(),
      env.toBuilder().setPayloadType(ByteString.copyFrom(new byte[] {0x03, 0x02})).build(),
      env.toBuilder().setSignature(ByteString.copyFrom(sig)).build(),
      env.toBuilder().clearSignature().build(),
      // Someone else's key: the signature does not verify under it.
      env.toBuilder()
          .setPublicKey(CryptoProtos.PublicKey.parseFrom(Identity.generate().publicKey().marshal()))
          .build(),
      env.toBuilder().clearPublicKey().build(),
    };
    for (EnvelopeProtos.Envelope t : tampered) {
      assertThatThrownBy(() -> SignedEnvelope.open(t.toByteArray(), DOMAIN))
          .isInstanceOf(SignatureException.class);
    }
    // The untampered one still opens, so the failures above are the tampering.
    assertThat(SignedEnvelope.open(env.toByteArray(), DOMAIN).signer()).isEqualTo(id.peerId());
  }

  @Test
  void embeddedKeyWithExtraFieldsIsRejected() throws Exception {
    byte[] env = SignedEnvelope.seal(Identity.generate(), DOMAIN, TYPE, PAYLOAD).marshal();
    // Field 1 holds the 36-byte key; grow it by an unknown field 3 (1a 00).
    byte[] key = Arrays.copyOfRange(env, 2, 38);
    byte[] rest = Arrays.copyOfRange(env, 38, env.length);
    byte[] bad = concat(new byte[] {0x0a, 38}, key, hex("1a00"), rest);

    assertThatThrownBy(() -> SignedEnvelope.open(bad, DOMAIN))
        .isInstanceOf(SignatureException.class)
        .hasRootCauseInstanceOf(InvalidKeyException.class);
  }

  @Test
  void malformedAndOversizedInputIsRejected() {
    assertThatThrownBy(() -> SignedEnvelope.open(hex("0aff"), DOMAIN)).isInstanceOf(SignatureException.class);
    assertThatThrownBy(() -> SignedEnvelope.open(new byte[0], DOMAIN)).isInstanceOf(SignatureException.class);
    byte[] huge = SignedEnvelope.seal(
        Identity.generate(), DOMAIN, TYPE, new byte[SignedEnvelope.MAX_ENVELOPE_BYTES]).marshal();
    assertThatThrownBy(() -> SignedEnvelope.open(huge, DOMAIN))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void emptyDomainIsMisuse() {
    Identity id = Identity.generate();
    assertThatThrownBy(() -> SignedEnvelope.seal(id, "", TYPE, PAYLOAD))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] env = SignedEnvelope.seal(id, DOMAIN, TYPE, PAYLOAD).marshal();
    assertThatThrownBy(() -> SignedEnvelope.open(env, "")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void accessorsReturnCopies() {
    byte[] payload = PAYLOAD.clone();
    SignedEnvelope env = SignedEnvelope.seal(Identity.generate(), DOMAIN, TYPE, payload);
    payload[0] = 'j';
    env.payload()[1] = 'a';
    env.payloadType()[0] = 9;

    assertThat(env.payload()).isEqualTo(PAYLOAD);
    assertThat(env.payloadType()).isEqualTo(TYPE);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
