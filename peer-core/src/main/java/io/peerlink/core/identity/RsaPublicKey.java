package io.peerlink.core.identity;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * An RSA public key: {@code Data} is PKIX SubjectPublicKeyInfo DER. Signatures are SHA-256 with
 * RSASSA-PKCS1-v1_5.
 */
final class RsaPublicKey extends AbstractPublicKey {
  /** Smallest modulus accepted, in bits (go-libp2p's {@code MinRsaKeyBits}). */
  static final int MIN_BITS = 2048;
  /** Largest modulus accepted, in bits: bounds the cost a remote key can impose on verification. */
  static final int MAX_BITS = 8192;

  private final RSAPublicKey jdkKey;

  private RsaPublicKey(byte[] spki, RSAPublicKey jdkKey) {
    super(KeyType.RSA, spki);
    this.jdkKey = jdkKey;
  }

  /** Imports SubjectPublicKeyInfo DER; it must be canonical and the modulus 2048–8192 bits. */
  static RsaPublicKey fromSpki(byte[] spki) throws InvalidKeyException {
    RSAPublicKey key;
    try {
      key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new InvalidKeyException("RSA public key is not SubjectPublicKeyInfo DER", e);
    }
    checkSize(key.getModulus().bitLength());
    // Re-encoding catches trailing bytes, BER variants and other encodings of the same key, each of
    // which would give the key a second peer ID.
    if (!Arrays.equals(key.getEncoded(), spki)) {
      throw new InvalidKeyException("non-canonical RSA public key encoding");
    }
    return new RsaPublicKey(spki, key);
  }

  /** Wraps a JDK key (for a private key's public half). */
  static RsaPublicKey of(RSAPublicKey key) throws InvalidKeyException {
    checkSize(key.getModulus().bitLength());
    return new RsaPublicKey(key.getEncoded(), key);
  }

  /** Rejects moduli outside {@link #MIN_BITS}..{@link #MAX_BITS}, for remote and local keys alike. */
  static void checkSize(int bits) throws InvalidKeyException {
    if (bits < MIN_BITS || bits > MAX_BITS) {
      throw new InvalidKeyException(
          "RSA key of " + bits + " bits; must be " + MIN_BITS + " to " + MAX_BITS);
    }
  }

  @Override
  public boolean verify(byte[] data, byte[] signature) {
    try {
      Signature v = Signature.getInstance("SHA256withRSA");
      v.initVerify(jdkKey);
      v.update(data);
      return v.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
