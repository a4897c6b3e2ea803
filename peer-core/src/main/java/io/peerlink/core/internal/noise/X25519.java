package io.peerlink.core.internal.noise;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748) through the JDK, with keys in the raw 32-byte little-endian encoding Noise puts
 * on the wire. The JDK models public keys as a {@link BigInteger} u-coordinate, hence the conversions.
 */
public final class X25519 {
  /** Length of a public key, a private scalar and a shared secret. */
  public static final int KEY_LENGTH = 32;

  private static final byte[] BASE_POINT = basePoint();

  private X25519() {}

  /** An X25519 key pair; {@code publicKey} is the raw 32-byte encoding. */
  public record KeyPair(java.security.PrivateKey privateKey, byte[] publicKey) {}

  /** A fresh random key pair. */
  public static KeyPair generate() {
    try {
      java.security.KeyPair kp = KeyPairGenerator.getInstance("X25519").generateKeyPair();
      return new KeyPair(kp.getPrivate(), encodeU(((XECPublicKey) kp.getPublic()).getU()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK lacks X25519", e);
    }
  }

  /** The key pair of a raw 32-byte private scalar (test vectors use these). */
  public static KeyPair fromPrivate(byte[] scalar) throws GeneralSecurityException {
    if (scalar.length != KEY_LENGTH) {
      throw new IllegalArgumentException("X25519 private key must be 32 bytes");
    }
    java.security.PrivateKey priv = KeyFactory.getInstance("X25519")
        .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
    // The JDK has no "public key of" call; DH with the base point u=9 is exactly that.
    return new KeyPair(priv, dh(priv, BASE_POINT));
  }

  /**
   * The shared secret of {@code privateKey} and the raw {@code publicKey}.
   *
   * @throws GeneralSecurityException if the public key is malformed or of small order (the JDK
   *     rejects an all-zero result, as go-libp2p does)
   */
  public static byte[] dh(java.security.PrivateKey privateKey, byte[] publicKey)
      throws GeneralSecurityException {
    if (publicKey.length != KEY_LENGTH) {
      throw new java.security.InvalidKeyException("X25519 public key must be 32 bytes");
    }
    java.security.PublicKey pub = KeyFactory.getInstance("X25519")
        .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(publicKey)));
    KeyAgreement ka = KeyAgreement.getInstance("X25519");
    ka.init(privateKey);
    ka.doPhase(pub, true);
    return ka.generateSecret();
  }

  /** Raw private scalar of a JDK key, for tests. */
  static byte[] privateBytes(java.security.PrivateKey key) {
    return ((XECPrivateKey) key).getScalar().orElseThrow();
  }

  /** RFC 7748 decodeUCoordinate: little-endian, top bit masked. */
  static BigInteger decodeU(byte[] raw) {
    byte[] be = new byte[KEY_LENGTH];
    for (int i = 0; i < KEY_LENGTH; i++) {
      be[i] = raw[KEY_LENGTH - 1 - i];
    }
    be[0] &= 0x7f;
    return new BigInteger(1, be);
  }

  /** RFC 7748 encodeUCoordinate: 32 bytes little-endian. */
  static byte[] encodeU(BigInteger u) {
    byte[] be = u.toByteArray(); // big-endian, maybe with a leading sign byte or shorter than 32
    byte[] le = new byte[KEY_LENGTH];
    for (int i = 0; i < KEY_LENGTH && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }

  private static byte[] basePoint() {
    byte[] b = new byte[KEY_LENGTH];
    b[0] = 9;
    return b;
  }
}
