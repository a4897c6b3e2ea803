package io.peerlink.core.identity;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/** An RSA private key: {@code Data} is PKCS#1 RSAPrivateKey DER. Signs SHA-256 with PKCS#1 v1.5. */
final class RsaPrivateKey implements PrivateKeyImpl {
  private final RSAPrivateKey pkcs1;
  private final PrivateKey jdkKey;
  private final RsaPublicKey publicKey;

  private RsaPrivateKey(RSAPrivateKey pkcs1, PrivateKey jdkKey, RsaPublicKey publicKey) {
    this.pkcs1 = pkcs1;
    this.jdkKey = jdkKey;
    this.publicKey = publicKey;
  }

  /** Imports PKCS#1 DER bytes. */
  static RsaPrivateKey fromPkcs1(byte[] der) throws InvalidKeyException {
    try {
      return fromPkcs1(RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(der)));
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException("RSA private key is not PKCS#1 DER", e);
    }
  }

  /** Imports a parsed PKCS#1 structure, checking size and that the primes match the modulus. */
  static RsaPrivateKey fromPkcs1(RSAPrivateKey k) throws InvalidKeyException {
    RsaPublicKey.checkSize(k.getModulus().bitLength());
    if (!k.getPrime1().multiply(k.getPrime2()).equals(k.getModulus())) {
      throw new InvalidKeyException("RSA private key: primes do not match the modulus");
    }
    try {
      KeyFactory kf = KeyFactory.getInstance("RSA");
      PrivateKey priv = kf.generatePrivate(new RSAPrivateCrtKeySpec(
          k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(),
          k.getPrime2(), k.getExponent1(), k.getExponent2(), k.getCoefficient()));
      RSAPublicKey pub = (RSAPublicKey) kf.generatePublic(
          new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
      return new RsaPrivateKey(k, priv, RsaPublicKey.of(pub));
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException("bad RSA private key", e);
    }
  }

  @Override
  public byte[] sign(byte[] data) {
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(jdkKey);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA signing failed", e);
    }
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public KeyType type() {
    return KeyType.RSA;
  }

  @Override
  public byte[] marshal() {
    try {
      return Keys.marshalPrivate(KeyType.RSA, pkcs1.getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] pkcs8() {
    try {
      return new PrivateKeyInfo(
              new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), pkcs1)
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "RsaPrivateKey(" + pkcs1.getModulus().bitLength() + " bits)";
  }
}
