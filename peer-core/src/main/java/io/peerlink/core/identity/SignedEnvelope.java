package io.peerlink.core.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peerlink.core.internal.Varint;
import io.peerlink.core.internal.proto.CryptoProtos;
import io.peerlink.core.internal.proto.EnvelopeProtos;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.util.Objects;

/**
 * A signed envelope (libp2p RFC 0002): a payload with its type, signed by a peer's key under a
 * domain string that is not carried in the envelope, so a signature made for one purpose (say, a
 * relay voucher) never verifies for another (say, a peer record). Used by circuit relay v2
 * vouchers and signed peer records.
 *
 * <p>Immutable. Only {@link #seal} and a successful {@link #open} create instances, so every
 * instance carries a signature valid for the domain it was made or checked with.
 */
public final class SignedEnvelope {
  /**
   * Largest envelope {@link #open} parses, in bytes (64 KiB). Vouchers and peer records are far
   * smaller; the bound is checked before any parsing.
   */
  public static final int MAX_ENVELOPE_BYTES = 64 * 1024;

  private final PublicKey publicKey;
  private final byte[] payloadType;
  private final byte[] payload;
  private final byte[] signature;
  private final byte[] marshalled;

  private SignedEnvelope(
      PublicKey publicKey, byte[] payloadType, byte[] payload, byte[] signature, byte[] marshalled) {
    this.publicKey = publicKey;
    this.payloadType = payloadType;
    this.payload = payload;
    this.signature = signature;
    this.marshalled = marshalled;
  }

  /**
   * Signs {@code payload} as {@code signer} under {@code domain}.
   *
   * @param signer the identity that signs
   * @param payload the payload
   * @param domain the purpose of the signature, e.g. {@code "libp2p-peer-record"}; must be non-empty
   * @param payloadType the multicodec type hint, e.g. {@code 03 01} for a peer record (may be empty)
   * @return the sealed envelope
   * @throws IllegalArgumentException if {@code domain} is empty
   */
  public static SignedEnvelope seal(Identity signer, String domain, byte[] payloadType, byte[] payload) {
    Objects.requireNonNull(signer, "signer");
    byte[] type = Objects.requireNonNull(payloadType, "payloadType").clone();
    byte[] body = Objects.requireNonNull(payload, "payload").clone();
    byte[] signature = signer.sign(signedBytes(domain, type, body));
    byte[] marshalled =
        EnvelopeProtos.Envelope.newBuilder()
            .setPublicKey(publicKeyProto(signer.publicKey()))
            .setPayloadType(ByteString.copyFrom(type))
            .setPayload(ByteString.copyFrom(body))
            .setSignature(ByteString.copyFrom(signature))
            .build()
            .toByteArray();
    return new SignedEnvelope(signer.publicKey(), type, body, signature, marshalled);
  }

  /**
   * Parses an envelope and verifies its signature, with the key it carries, over {@code
   * expectedDomain}. Unknown fields are ignored, as go-libp2p does; the embedded key must be a
   * valid, canonically encoded key. Callers still check that {@link #signer()} is the peer they
   * expect.
   *
   * @param bytes the envelope's protobuf bytes
   * @param expectedDomain the domain the signature must be made under
   * @return the verified envelope
   * @throws SignatureException if {@code bytes} is too large or malformed, the key is invalid, or
   *     the signature does not verify for {@code expectedDomain}
   * @throws IllegalArgumentException if {@code expectedDomain} is empty
   */
  public static SignedEnvelope open(byte[] bytes, String expectedDomain) throws SignatureException {
    Objects.requireNonNull(bytes, "bytes");
    checkDomain(expectedDomain);
    if (bytes.length > MAX_ENVELOPE_BYTES) {
      throw new SignatureException("envelope of " + bytes.length + " bytes exceeds " + MAX_ENVELOPE_BYTES);
    }
    EnvelopeProtos.Envelope env;
    try {
      env = EnvelopeProtos.Envelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SignatureException("malformed envelope", e);
    }
    if (!env.hasPublicKey()) {
      throw new SignatureException("envelope has no public key");
    }
    PublicKey key;
    try {
      // Through the strict parser: unknown fields or a non-canonical key are refused here too.
      key = PublicKey.unmarshal(env.getPublicKey().toByteArray());
    } catch (InvalidKeyException e) {
      throw new SignatureException("envelope public key is invalid", e);
    }
    byte[] type = env.getPayloadType().toByteArray();
    byte[] payload = env.getPayload().toByteArray();
    byte[] signature = env.getSignature().toByteArray();
    if (!key.verify(signedBytes(expectedDomain, type, payload), signature)) {
      throw new SignatureException("envelope signature does not verify for domain " + expectedDomain);
    }
    return new SignedEnvelope(key, type, payload, signature, bytes.clone());
  }

  /** {@return the {@code Envelope} protobuf: the bytes {@link #open} read, or those {@link #seal} built} */
  public byte[] marshal() {
    return marshalled.clone();
  }

  /** {@return the key that signed} */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** {@return the peer ID of the key that signed} */
  public PeerId signer() {
    return publicKey.peerId();
  }

  /** {@return a copy of the payload type (a multicodec code and optional suffix)} */
  public byte[] payloadType() {
    return payloadType.clone();
  }

  /** {@return a copy of the payload} */
  public byte[] payload() {
    return payload.clone();
  }

  /** {@return a copy of the signature} */
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public String toString() {
    return "SignedEnvelope(signer=" + signer() + ", payload=" + payload.length + " bytes)";
  }

  /**
   * {@code uvarint(len(domain)) domain uvarint(len(type)) type uvarint(len(payload)) payload}: the
   * bytes actually signed (RFC 0002). The length prefixes keep field boundaries unambiguous.
   */
  private static byte[] signedBytes(String domain, byte[] type, byte[] payload) {
    byte[] d = checkDomain(domain).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + type.length + payload.length + 12);
    for (byte[] field : new byte[][] {d, type, payload}) {
      out.writeBytes(Varint.encode(field.length));
      out.writeBytes(field);
    }
    return out.toByteArray();
  }

  private static String checkDomain(String domain) {
    Objects.requireNonNull(domain, "domain");
    if (domain.isEmpty()) {
      throw new IllegalArgumentException("signature domain must not be empty");
    }
    return domain;
  }

  private static CryptoProtos.PublicKey publicKeyProto(PublicKey key) {
    try {
      return CryptoProtos.PublicKey.parseFrom(key.marshal());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("own public key does not parse", e);
    }
  }
}
