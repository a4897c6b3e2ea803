package io.peerlink.core.identity;

import java.io.IOException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;

/**
 * An elliptic-curve public key: {@code Secp256k1} ({@code Data} = 33-byte compressed point) or
 * {@code ECDSA} ({@code Data} = PKIX SubjectPublicKeyInfo DER with a named NIST curve and an
 * uncompressed point, as go's {@code x509.MarshalPKIXPublicKey} writes it).
 */
final class EcPublicKey extends AbstractPublicKey {
  private final EcCurve curve;
  private final ECPoint point;

  private EcPublicKey(KeyType type, byte[] raw, EcCurve curve, ECPoint point) {
    super(type, raw);
    this.curve = curve;
    this.point = point;
  }

  /** The key for a point on {@code curve}, encoded the way its libp2p key type requires. */
  static EcPublicKey of(EcCurve curve, ECPoint point) {
    if (curve == EcCurve.SECP256K1) {
      return new EcPublicKey(KeyType.SECP256K1, point.getEncoded(true), curve, point);
    }
    return new EcPublicKey(KeyType.ECDSA, spki(curve, point), curve, point);
  }

  /** Imports a secp256k1 {@code Data}: only the 33-byte compressed form, the one go writes. */
  static EcPublicKey fromSecp256k1(byte[] raw) throws InvalidKeyException {
    // The uncompressed form would give the same key a second protobuf encoding, hence a second peer ID.
    if (raw.length != 33) {
      throw new InvalidKeyException("secp256k1 public key must be 33 bytes (compressed), got " + raw.length);
    }
    ECPoint p = decodePoint(EcCurve.SECP256K1, raw);
    if (!Arrays.equals(p.getEncoded(true), raw)) {
      throw new InvalidKeyException("non-canonical secp256k1 public key");
    }
    return new EcPublicKey(KeyType.SECP256K1, raw, EcCurve.SECP256K1, p);
  }

  /** Imports an ECDSA {@code Data}: SubjectPublicKeyInfo DER, byte-for-byte canonical. */
  static EcPublicKey fromSpki(byte[] raw) throws InvalidKeyException {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(raw));
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException("ECDSA public key is not SubjectPublicKeyInfo DER", e);
    }
    if (info == null) {
      // BouncyCastle reads empty input as no object at all, not as an error.
      throw new InvalidKeyException("ECDSA public key is empty");
    }
    AlgorithmIdentifier alg = info.getAlgorithm();
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm())
        || !(alg.getParameters() instanceof ASN1ObjectIdentifier oid)) {
      throw new InvalidKeyException("ECDSA public key must be id-ecPublicKey with a named curve");
    }
    EcCurve curve = EcCurve.forOid(oid)
        .filter(c -> c != EcCurve.SECP256K1)
        .orElseThrow(() -> new InvalidKeyException("unsupported ECDSA curve " + oid));
    ECPoint p = decodePoint(curve, info.getPublicKeyData().getOctets());
    if (!Arrays.equals(spki(curve, p), raw)) {
      throw new InvalidKeyException("non-canonical ECDSA public key encoding");
    }
    return new EcPublicKey(KeyType.ECDSA, raw, curve, p);
  }

  /** The point, for matching a private key's embedded public key. */
  ECPoint point() {
    return point;
  }

  @Override
  public boolean verify(byte[] data, byte[] signature) {
    return EcdsaSignatures.verify(curve, point, data, signature);
  }

  private static ECPoint decodePoint(EcCurve curve, byte[] encoded) throws InvalidKeyException {
    try {
      // BouncyCastle checks that the point lies on the curve.
      ECPoint p = curve.domain().getCurve().decodePoint(encoded).normalize();
      if (p.isInfinity() || !p.isValid()) {
        throw new InvalidKeyException("EC public key is not a valid point");
      }
      return p;
    } catch (RuntimeException e) {
      throw new InvalidKeyException("EC public key is not a valid point", e);
    }
  }

  private static byte[] spki(EcCurve curve, ECPoint p) {
    try {
      return new SubjectPublicKeyInfo(
              new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve.oid()),
              p.getEncoded(false))
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
