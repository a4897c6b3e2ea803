package io.peerlink.core.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;

/**
 * libp2p's ECDSA signature scheme, shared by the {@code Secp256k1} and {@code ECDSA} key types:
 * SHA-256 of the message, ECDSA, and the {@code SEQUENCE {r, s}} DER encoding.
 */
final class EcdsaSignatures {
  // A P-521 signature is at most 139 bytes; anything much longer is not worth parsing.
  private static final int MAX_SIGNATURE_BYTES = 256;

  private EcdsaSignatures() {}

  /**
   * Signs with a deterministic nonce (RFC 6979, as go's secp256k1 does) and the low-S form, which
   * Bitcoin-style verifiers require and every other verifier accepts.
   */
  static byte[] sign(EcCurve curve, BigInteger d, byte[] data) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d, curve.domain()));
    BigInteger[] rs = signer.generateSignature(sha256(data));
    BigInteger s = rs[1];
    if (s.compareTo(curve.order().shiftRight(1)) > 0) {
      s = curve.order().subtract(s);
    }
    try {
      return new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(s)})
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Verifies; false for any malformed (including non-DER) signature. */
  static boolean verify(EcCurve curve, ECPoint q, byte[] data, byte[] signature) {
    BigInteger[] rs = decode(curve, signature);
    if (rs == null) {
      return false;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(q, curve.domain()));
    return verifier.verifySignature(sha256(data), rs[0], rs[1]);
  }

  /** Parses strict DER {@code SEQUENCE {r, s}} with both in {@code [1, n)}; null if anything is off. */
  private static BigInteger[] decode(EcCurve curve, byte[] signature) {
    if (signature.length > MAX_SIGNATURE_BYTES) {
      return null;
    }
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(signature);
      if (!(p instanceof ASN1Sequence seq) || seq.size() != 2
          || !(seq.getObjectAt(0) instanceof ASN1Integer r)
          || !(seq.getObjectAt(1) instanceof ASN1Integer s)) {
        return null;
      }
      // BER allows several encodings of one signature; only the DER one is a valid signature.
      if (!Arrays.equals(seq.getEncoded(ASN1Encoding.DER), signature)) {
        return null;
      }
      BigInteger[] rs = {r.getValue(), s.getValue()};
      for (BigInteger v : rs) {
        if (v.signum() <= 0 || v.compareTo(curve.order()) >= 0) {
          return null;
        }
      }
      return rs;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] sha256(byte[] data) {
    SHA256Digest digest = new SHA256Digest();
    digest.update(data, 0, data.length);
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return out;
  }
}
