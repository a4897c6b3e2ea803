package io.peerlink.core.identity;

import java.io.IOException;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Object;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.BigIntegers;

/**
 * An elliptic-curve private key: {@code Secp256k1} ({@code Data} = 32-byte big-endian scalar) or
 * {@code ECDSA} ({@code Data} = SEC1 ECPrivateKey DER with the curve OID and public key, as go's
 * {@code x509.MarshalECPrivateKey} writes it).
 */
final class EcPrivateKey implements PrivateKeyImpl {
  private final EcCurve curve;
  private final BigInteger d;
  private final EcPublicKey publicKey;

  private EcPrivateKey(EcCurve curve, BigInteger d) {
    this.curve = curve;
    this.d = d;
    this.publicKey = EcPublicKey.of(curve, curve.publicPoint(d));
  }

  /** A key from a scalar, range-checked. */
  static EcPrivateKey of(EcCurve curve, BigInteger d) throws InvalidKeyException {
    if (!curve.isValidScalar(d)) {
      throw new InvalidKeyException("EC private scalar out of range");
    }
    return new EcPrivateKey(curve, d);
  }

  /** Imports a secp256k1 {@code Data}: exactly 32 bytes. */
  static EcPrivateKey fromSecp256k1(byte[] data) throws InvalidKeyException {
    if (data.length != 32) {
      throw new InvalidKeyException("secp256k1 private key must be 32 bytes, got " + data.length);
    }
    return of(EcCurve.SECP256K1, new BigInteger(1, data));
  }

  /** Imports an ECDSA {@code Data}: SEC1 DER naming a NIST curve. */
  static EcPrivateKey fromSec1(byte[] der) throws InvalidKeyException {
    ECPrivateKey sec1;
    try {
      sec1 = ECPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException("ECDSA private key is not SEC1 DER", e);
    }
    if (sec1 == null) {
      // BouncyCastle reads empty input as no object at all, not as an error.
      throw new InvalidKeyException("ECDSA private key is empty");
    }
    if (!(sec1.getParametersObject() instanceof ASN1ObjectIdentifier oid)) {
      throw new InvalidKeyException("ECDSA private key must name its curve");
    }
    EcCurve curve = EcCurve.forOid(oid)
        .filter(c -> c != EcCurve.SECP256K1)
        .orElseThrow(() -> new InvalidKeyException("unsupported ECDSA curve " + oid));
    return fromSec1(curve, sec1);
  }

  /**
   * A key from a SEC1 structure whose curve is already known (from PKCS#8); a curve or public key
   * inside it must agree.
   */
  static EcPrivateKey fromSec1(EcCurve curve, ECPrivateKey sec1) throws InvalidKeyException {
    if (sec1.getParametersObject() != null && !curve.oid().equals(sec1.getParametersObject())) {
      throw new InvalidKeyException("EC private key names two different curves");
    }
    EcPrivateKey key = of(curve, sec1.getKey());
    ASN1BitString embedded = sec1.getPublicKey();
    if (embedded != null) {
      try {
        if (!curve.domain().getCurve().decodePoint(embedded.getOctets()).equals(key.publicKey.point())) {
          throw new InvalidKeyException("EC private key: embedded public key does not match");
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new InvalidKeyException("EC private key: bad embedded public key", e);
      }
    }
    return key;
  }

  @Override
  public byte[] sign(byte[] data) {
    return EcdsaSignatures.sign(curve, d, data);
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public KeyType type() {
    return publicKey.type();
  }

  @Override
  public byte[] marshal() {
    if (curve == EcCurve.SECP256K1) {
      return Keys.marshalPrivate(KeyType.SECP256K1, BigIntegers.asUnsignedByteArray(32, d));
    }
    return Keys.marshalPrivate(KeyType.ECDSA, der(sec1(true)));
  }

  @Override
  public byte[] pkcs8() {
    // In PKCS#8 the curve lives in the AlgorithmIdentifier, so SEC1 omits its own copy (RFC 5915).
    try {
      return der(new PrivateKeyInfo(
          new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve.oid()), sec1(false)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private ECPrivateKey sec1(boolean withCurve) {
    return new ECPrivateKey(
        curve.orderBits(),
        d,
        new DERBitString(publicKey.point().getEncoded(false)),
        withCurve ? curve.oid() : null);
  }

  private static byte[] der(ASN1Object o) {
    try {
      return o.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "EcPrivateKey(" + curve + ")";
  }
}
