package io.peerlink.core.identity;

import java.math.BigInteger;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The elliptic curves peerlink signs with: secp256k1 for the libp2p {@code Secp256k1} key type, and
 * the NIST curves go-libp2p accepts for its {@code ECDSA} key type (it generates P-256).
 */
enum EcCurve {
  SECP256K1(SECObjectIdentifiers.secp256k1),
  P256(SECObjectIdentifiers.secp256r1),
  P384(SECObjectIdentifiers.secp384r1),
  P521(SECObjectIdentifiers.secp521r1);

  private final ASN1ObjectIdentifier oid;
  private final ECDomainParameters domain;

  EcCurve(ASN1ObjectIdentifier oid) {
    this.oid = oid;
    X9ECParameters p = CustomNamedCurves.getByOID(oid);
    this.domain = new ECDomainParameters(p.getCurve(), p.getG(), p.getN(), p.getH());
  }

  /** The named-curve object identifier. */
  ASN1ObjectIdentifier oid() {
    return oid;
  }

  /** Domain parameters for BouncyCastle's ECDSA engine. */
  ECDomainParameters domain() {
    return domain;
  }

  /** The group order. */
  BigInteger order() {
    return domain.getN();
  }

  /** Bit length of the group order: SEC1 pads private scalars to this many bits (rounded up to bytes). */
  int orderBits() {
    return domain.getN().bitLength();
  }

  /** {@code d·G} for a private scalar. */
  ECPoint publicPoint(BigInteger d) {
    return domain.getG().multiply(d).normalize();
  }

  /** Whether {@code d} is a valid private scalar, {@code 1 <= d < n}. */
  boolean isValidScalar(BigInteger d) {
    return d.signum() > 0 && d.compareTo(order()) < 0;
  }

  /** The curve with this OID, if supported. */
  static Optional<EcCurve> forOid(ASN1ObjectIdentifier oid) {
    for (EcCurve c : values()) {
      if (c.oid.equals(oid)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
