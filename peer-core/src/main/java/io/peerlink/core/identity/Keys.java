package io.peerlink.core.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peerlink.core.internal.proto.CryptoProtos;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Key import and export in the libp2p protobuf forms (peer-ids.md) and PKCS#8. The single entry
 * point from bytes to key objects, so every path applies the same strictness.
 */
final class Keys {
  /**
   * Largest {@code PublicKey} protobuf accepted, in bytes. An 8192-bit RSA key, the largest
   * accepted, encodes in about 1.1 KiB.
   */
  public static final int MAX_PUBLIC_KEY_BYTES = 2048;

  /** Largest {@code PrivateKey} protobuf or PKCS#8 DER accepted, in bytes (8192-bit RSA: ~4.7 KiB). */
  public static final int MAX_PRIVATE_KEY_BYTES = 8192;

  private Keys() {}

  /**
   * Parses a {@code PublicKey} protobuf. It must be the deterministic encoding of a supported,
   * valid key: unknown fields, repeated fields, non-minimal varints, or a {@code Data} that another
   * encoding of the same key would replace are rejected, because the peer ID is computed over these
   * exact bytes and one key must have one peer ID.
   *
   * @throws InvalidKeyException if malformed, non-canonical, invalid or unsupported
   */
  public static PublicKey unmarshalPublicKey(byte[] protobuf) throws InvalidKeyException {
    if (protobuf.length > MAX_PUBLIC_KEY_BYTES) {
      throw new InvalidKeyException("public key protobuf of " + protobuf.length + " bytes is too large");
    }
    CryptoProtos.PublicKey pb;
    try {
      pb = CryptoProtos.PublicKey.parseFrom(protobuf);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidKeyException("malformed PublicKey protobuf", e);
    }
    // An unknown KeyType number also lands here (proto2 keeps unknown enum values as unknown fields).
    if (pb.getUnknownFields().getSerializedSize() != 0) {
      throw new InvalidKeyException("PublicKey protobuf has unknown fields");
    }
    PublicKey key = publicKeyFromData(keyType(pb.getType()), pb.getData().toByteArray());
    if (!Arrays.equals(key.marshal(), protobuf)) {
      throw new InvalidKeyException("PublicKey protobuf is not deterministically encoded");
    }
    return key;
  }

  /**
   * Builds a public key from its type and {@code Data} field.
   *
   * @throws InvalidKeyException if {@code data} is not the canonical encoding of a valid key
   */
  public static PublicKey publicKeyFromData(KeyType type, byte[] data) throws InvalidKeyException {
    return switch (type) {
      case ED25519 -> Ed25519PublicKey.fromRaw(data);
      case SECP256K1 -> EcPublicKey.fromSecp256k1(data);
      case ECDSA -> EcPublicKey.fromSpki(data);
      case RSA -> RsaPublicKey.fromSpki(data);
    };
  }

  /**
   * Parses a {@code PrivateKey} protobuf (never sent on the wire; the on-disk format of go and js).
   * Unknown fields are rejected; legacy encodings (96-byte Ed25519) are accepted.
   *
   * @throws InvalidKeyException if malformed, invalid or unsupported
   */
  public static PrivateKeyImpl unmarshalPrivateKey(byte[] protobuf) throws InvalidKeyException {
    if (protobuf.length > MAX_PRIVATE_KEY_BYTES) {
      throw new InvalidKeyException("private key protobuf of " + protobuf.length + " bytes is too large");
    }
    CryptoProtos.PrivateKey pb;
    try {
      pb = CryptoProtos.PrivateKey.parseFrom(protobuf);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidKeyException("malformed PrivateKey protobuf", e);
    }
    if (pb.getUnknownFields().getSerializedSize() != 0) {
      throw new InvalidKeyException("PrivateKey protobuf has unknown fields");
    }
    byte[] data = pb.getData().toByteArray();
    return switch (keyType(pb.getType())) {
      case ED25519 -> Ed25519PrivateKey.fromLibp2pData(data);
      case SECP256K1 -> EcPrivateKey.fromSecp256k1(data);
      case ECDSA -> EcPrivateKey.fromSec1(data);
      case RSA -> RsaPrivateKey.fromPkcs1(data);
    };
  }

  /** Generates a new Ed25519 key, the type peerlink identities use. */
  public static PrivateKeyImpl generateEd25519() {
    return Ed25519PrivateKey.generate();
  }

  /**
   * Parses PKCS#8 {@code PrivateKeyInfo} DER holding an Ed25519, RSA, secp256k1 or NIST-curve EC key.
   *
   * @throws InvalidKeyException if malformed or unsupported
   */
  public static PrivateKeyImpl fromPkcs8(byte[] der) throws InvalidKeyException {
    if (der.length > MAX_PRIVATE_KEY_BYTES) {
      throw new InvalidKeyException("PKCS#8 key of " + der.length + " bytes is too large");
    }
    try {
      return fromPkcs8(PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der)));
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException("malformed PKCS#8 private key", e);
    }
  }

  /** Dispatches a parsed {@code PrivateKeyInfo} on its algorithm. */
  static PrivateKeyImpl fromPkcs8(PrivateKeyInfo info) throws InvalidKeyException, IOException {
    ASN1ObjectIdentifier alg = info.getPrivateKeyAlgorithm().getAlgorithm();
    if (EdECObjectIdentifiers.id_Ed25519.equals(alg)) {
      Ed25519PrivateKey key =
          Ed25519PrivateKey.fromSeed(ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets());
      // PKCS#8 v2 may carry the public key; if it does, it must be this key's.
      if (info.getPublicKeyData() != null
          && !Arrays.equals(info.getPublicKeyData().getOctets(), key.publicKey().raw())) {
        throw new InvalidKeyException("PKCS#8 Ed25519 key: public key does not match");
      }
      return key;
    }
    if (PKCSObjectIdentifiers.rsaEncryption.equals(alg)) {
      return RsaPrivateKey.fromPkcs1(RSAPrivateKey.getInstance(info.parsePrivateKey()));
    }
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(alg)
        && info.getPrivateKeyAlgorithm().getParameters() instanceof ASN1ObjectIdentifier oid) {
      EcCurve curve = EcCurve.forOid(oid)
          .orElseThrow(() -> new InvalidKeyException("unsupported EC curve " + oid));
      return EcPrivateKey.fromSec1(curve, ECPrivateKey.getInstance(info.parsePrivateKey()));
    }
    throw new InvalidKeyException("unsupported private key algorithm " + alg);
  }

  /** The {@code PrivateKey} protobuf for a type and {@code Data}. */
  static byte[] marshalPrivate(KeyType type, byte[] data) {
    return CryptoProtos.PrivateKey.newBuilder()
        .setType(CryptoProtos.KeyType.forNumber(type.code()))
        .setData(ByteString.copyFrom(data))
        .build()
        .toByteArray();
  }

  private static KeyType keyType(CryptoProtos.KeyType pb) throws InvalidKeyException {
    try {
      return KeyType.fromCode(pb.getNumber());
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException(e.getMessage(), e);
    }
  }
}
