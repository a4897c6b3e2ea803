package io.peerlink.core.internal.tls;

import io.peerlink.core.HandshakeException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PublicKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * The certificates of the libp2p TLS handshake ({@code tls/tls.md}): generating our own and
 * verifying the remote's.
 *
 * <p>A libp2p certificate is self-signed by a throwaway key and proves the host identity through the
 * libp2p Public Key Extension, {@code SignedKey ::= SEQUENCE { publicKey OCTET STRING, signature
 * OCTET STRING }}, where {@code publicKey} is the host key's {@code PublicKey} protobuf and
 * {@code signature} is the host key's signature over {@code "libp2p-tls-handshake:" || SPKI DER}
 * of the certificate key. The certificate layout follows go-libp2p, the implementation the others
 * are tested against.
 */
public final class Libp2pCertificates {

  /** The libp2p Public Key Extension OID, allocated by IANA to libp2p. */
  public static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";

  /** What the host key signs, before the certificate key's SPKI. */
  static final byte[] SIGNATURE_PREFIX = "libp2p-tls-handshake:".getBytes(StandardCharsets.US_ASCII);

  /** How far back NotBefore is set, so a peer whose clock is a little behind still accepts us (as go). */
  static final Duration BACKDATE = Duration.ofHours(1);

  /** Certificate lifetime: ~100 years, as go, so a long-lived certificate never expires mid-run. */
  static final Duration VALIDITY = Duration.ofDays(100 * 365);

  private static final ASN1ObjectIdentifier EXTENSION = new ASN1ObjectIdentifier(EXTENSION_OID);

  /**
   * Critical extensions we accept. Ours, plus the two basic ones a generic X.509 library may mark
   * critical; their content never changes what we verify, since trust comes only from the
   * extension. Anything else critical is refused, as the spec demands.
   */
  private static final Set<String> UNDERSTOOD_CRITICAL =
      Set.of(
          EXTENSION_OID,
          Extension.basicConstraints.getId(),
          Extension.keyUsage.getId());

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The OID of EC public keys, what every libp2p implementation puts in its certificates. */
  private static final String EC_KEY = "1.2.840.10045.2.1";

  /**
   * Verifies ECDSA self-signatures with Bouncy Castle's own EC arithmetic: on JDK 17 about ten
   * times faster than the JDK's P-256, and every handshake checks one.
   */
  private static final BcECContentVerifierProviderBuilder EC_SELF_SIGNATURE =
      new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder());

  /** Certificate key algorithms other than EC by OID, for the JDK's key factories. */
  private static final Map<String, String> KEY_ALGORITHMS = Map.of(
      "1.2.840.113549.1.1.1", "RSA",
      "1.3.101.112", "Ed25519",
      "1.3.101.113", "Ed448");

  /** Verifies other self-signatures with the runtime's providers (the JDK's RSA and EdDSA). */
  private static final JcaContentVerifierProviderBuilder SELF_SIGNATURE =
      new JcaContentVerifierProviderBuilder();

  private Libp2pCertificates() {}

  /** Generates a certificate for {@code identity}, valid from now. See {@link #generate(Identity, Clock)}. */
  public static CertifiedKey generate(Identity identity) {
    return generate(identity, Clock.systemUTC());
  }

  /**
   * Generates a fresh ECDSA P-256 key and a self-signed certificate (ecdsa-with-SHA256) that binds it
   * to {@code identity}: random positive serial, subject = issuer = a random {@code serialNumber}
   * attribute, valid from {@code clock}'s now − 1 h for ~100 years, and only the libp2p extension
   * (non-critical), so that go's {@code x509.Verify} and js's first-extension lookup both accept it.
   */
  public static CertifiedKey generate(Identity identity, Clock clock) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair certKey = generator.generateKeyPair();

      byte[] spki = certKey.getPublic().getEncoded();
      byte[] signature = identity.sign(concat(SIGNATURE_PREFIX, spki));
      DERSequence signedKey =
          new DERSequence(
              new ASN1Encodable[] {
                new DEROctetString(identity.publicKey().marshal()), new DEROctetString(signature)
              });

      // Random 62-bit positive numbers, as go: recent Go rejects negative serials.
      X500Name name =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.SERIALNUMBER, randomPositive().toString())
              .build();
      // Whole seconds: X.509 times carry no fractions (RFC 5280), and strict parsers refuse them.
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              randomPositive(),
              Date.from(now.minus(BACKDATE)),
              Date.from(now.plus(VALIDITY)),
              name,
              certKey.getPublic());
      builder.addExtension(EXTENSION, false, signedKey);
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(certKey.getPrivate());
      X509CertificateHolder holder = builder.build(signer);
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
      return new CertifiedKey(certKey.getPrivate(), certificate);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      // P-256 and SHA256withECDSA are mandatory in every JDK; failing here is a broken runtime.
      throw new IllegalStateException("cannot generate a TLS certificate", e);
    }
  }

  /** Verifies the remote's certificate chain at the current time. See {@link #verify(X509Certificate[], Clock)}. */
  public static PublicKey verify(X509Certificate[] chain) throws HandshakeException {
    return verify(chain, Clock.systemUTC());
  }

  /**
   * Checks a certificate chain the remote presented and returns the host key it proves. The checks
   * are the spec's: exactly one certificate, valid at {@code clock}'s now, no unique IDs, self-issued
   * with a self-signature that verifies, the libp2p extension present, no critical extension we do
   * not understand, and the host key's signature over the certificate key verifies.
   *
   * <p>Only the certificate's DER encoding is used, parsed here with Bouncy Castle: the JDK's parser
   * refuses the empty names js-libp2p's certificates have, and the native engine hands over
   * wrappers that would run the JDK's parser on any other call.
   *
   * @throws HandshakeException saying which check failed
   */
  public static PublicKey verify(X509Certificate[] chain, Clock clock) throws HandshakeException {
    if (chain == null || chain.length != 1) {
      throw new HandshakeException(
          "expected exactly one certificate, got " + (chain == null ? 0 : chain.length));
    }
    byte[] der;
    try {
      der = chain[0].getEncoded();
    } catch (CertificateEncodingException | RuntimeException e) {
      throw new HandshakeException("cannot read the certificate: " + e.getMessage(), e);
    }
    return verify(der, clock);
  }

  /** {@link #verify(X509Certificate[], Clock)} of one DER-encoded certificate. */
  static PublicKey verify(byte[] der, Clock clock) throws HandshakeException {
    try {
      return verifyParsed(der, clock);
    } catch (RuntimeException e) {
      // Bouncy Castle decodes fields lazily and reports a malformed one (a date, a tagged
      // object) with an unchecked exception when it is first read.
      throw new HandshakeException("malformed certificate: " + e.getMessage(), e);
    }
  }

  private static PublicKey verifyParsed(byte[] der, Clock clock) throws HandshakeException {
    X509CertificateHolder cert;
    try {
      cert = new X509CertificateHolder(der);
    } catch (IOException | RuntimeException e) {
      throw new HandshakeException("malformed certificate: " + e.getMessage(), e);
    }
    Date now = Date.from(clock.instant());
    if (now.before(cert.getNotBefore())) {
      throw new HandshakeException("certificate is not valid before " + cert.getNotBefore().toInstant());
    }
    if (now.after(cert.getNotAfter())) {
      throw new HandshakeException("certificate expired at " + cert.getNotAfter().toInstant());
    }
    TBSCertificate tbs = cert.toASN1Structure().getTBSCertificate();
    if (tbs.getSubjectUniqueId() != null || tbs.getIssuerUniqueId() != null) {
      throw new HandshakeException("certificate carries the deprecated subject/issuer unique ID");
    }
    if (!cert.getIssuer().equals(cert.getSubject())) {
      throw new HandshakeException("certificate is not self-issued (issuer differs from subject)");
    }
    SubjectPublicKeyInfo spki = cert.getSubjectPublicKeyInfo();
    try {
      ContentVerifierProvider selfSignature = EC_KEY.equals(spki.getAlgorithm().getAlgorithm().getId())
          ? EC_SELF_SIGNATURE.build(cert)
          : SELF_SIGNATURE.build(certificateKey(spki));
      if (!cert.isSignatureValid(selfSignature)) {
        throw new HandshakeException("certificate self-signature does not verify");
      }
    } catch (OperatorCreationException | CertException | GeneralSecurityException | IOException
        | RuntimeException e) {
      throw new HandshakeException("certificate self-signature does not verify: " + e.getMessage(), e);
    }
    Extension extension = cert.getExtension(EXTENSION);
    if (extension == null) {
      throw new HandshakeException(
          "certificate lacks the libp2p public key extension (" + EXTENSION_OID + ")");
    }
    for (Object oid : cert.getCriticalExtensionOIDs()) {
      if (!UNDERSTOOD_CRITICAL.contains(oid.toString())) {
        throw new HandshakeException("certificate has an unknown critical extension " + oid);
      }
    }

    byte[] spkiDer;
    try {
      // The SPKI exactly as the certificate encodes it, which is what the remote signed (js also
      // takes it from the certificate rather than re-encoding the key).
      spkiDer = spki.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new HandshakeException("cannot read the certificate's public key: " + e.getMessage(), e);
    }
    return hostKey(extension.getExtnValue().getOctets(), spkiDer);
  }

  /**
   * The host key that the libp2p extension's value ({@code SignedKey}) carries, once its signature
   * over {@code spkiDer}, the certificate's key, verifies.
   *
   * @throws HandshakeException if the value is malformed, the key invalid or the signature wrong
   */
  static PublicKey hostKey(byte[] extensionValue, byte[] spkiDer) throws HandshakeException {
    byte[][] signedKey = parseSignedKey(extensionValue);
    PublicKey hostKey;
    boolean valid;
    try {
      hostKey = PublicKey.unmarshal(signedKey[0]);
      valid = hostKey.verify(concat(SIGNATURE_PREFIX, spkiDer), signedKey[1]);
    } catch (InvalidKeyException | RuntimeException e) {
      throw new HandshakeException("invalid host key in the libp2p extension: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new HandshakeException(
          "the host key's signature over the certificate key does not verify (claimed peer "
              + hostKey.peerId() + ")");
    }
    return hostKey;
  }

  /**
   * The certificate's key as a JCA key of the runtime's providers, which know the algorithms by
   * name but not by OID (so Bouncy Castle's own conversion finds no key factory).
   */
  private static java.security.PublicKey certificateKey(SubjectPublicKeyInfo spki)
      throws GeneralSecurityException, IOException, HandshakeException {
    String algorithm = KEY_ALGORITHMS.get(spki.getAlgorithm().getAlgorithm().getId());
    if (algorithm == null) {
      throw new HandshakeException(
          "unsupported certificate key algorithm " + spki.getAlgorithm().getAlgorithm());
    }
    return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
  }

  /** The two OCTET STRINGs of {@code SignedKey}, from the extension's value. */
  private static byte[][] parseSignedKey(byte[] der) throws HandshakeException {
    try {
      // fromByteArray gives null for no bytes at all, and getInstance passes a null through.
      ASN1Sequence seq = der.length == 0 ? null : ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
      if (seq == null) {
        throw new HandshakeException("malformed libp2p extension: empty SignedKey");
      }
      if (seq.size() != 2) {
        throw new HandshakeException(
            "malformed libp2p extension: SignedKey has " + seq.size() + " fields, expected 2");
      }
      return new byte[][] {
        ASN1OctetString.getInstance(seq.getObjectAt(0)).getOctets(),
        ASN1OctetString.getInstance(seq.getObjectAt(1)).getOctets()
      };
    } catch (IOException | RuntimeException e) {
      // IllegalArgumentException for a wrong type, IllegalStateException for a bad tagged object.
      throw new HandshakeException("malformed libp2p extension: " + e.getMessage(), e);
    }
  }

  private static BigInteger randomPositive() {
    // 62 random bits plus one: never zero, never negative (go's serials are below 1 << 62 too).
    return new BigInteger(62, RANDOM).add(BigInteger.ONE);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
