package io.peerlink.core.internal.tls;

import io.peerlink.core.identity.Identity;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds deliberately good or broken libp2p certificates for tests. */
final class TestCertificates {
  static final ASN1ObjectIdentifier LIBP2P = new ASN1ObjectIdentifier(Libp2pCertificates.EXTENSION_OID);

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private TestCertificates() {}

  static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A correct SignedKey: {@code identity} signs {@code certKey}'s SPKI. */
  static ASN1Encodable signedKey(Identity identity, KeyPair certKey) {
    return signedKey(
        identity.publicKey().marshal(),
        identity.sign(concat(Libp2pCertificates.SIGNATURE_PREFIX, certKey.getPublic().getEncoded())));
  }

  static ASN1Encodable signedKey(byte[] publicKeyProtobuf, byte[] signature) {
    return new DERSequence(
        new ASN1Encodable[] {new DEROctetString(publicKeyProtobuf), new DEROctetString(signature)});
  }

  /** A certificate builder with go's layout, valid from an hour ago for a day. */
  static Builder builder(KeyPair certKey) {
    return new Builder(certKey);
  }

  static final class Builder {
    private final KeyPair certKey;
    private KeyPair signer;
    private Instant notBefore = Instant.now().minus(1, ChronoUnit.HOURS);
    private Instant notAfter = Instant.now().plus(1, ChronoUnit.DAYS);
    private X500Name issuer = new X500Name("SERIALNUMBER=1");
    private X500Name subject = new X500Name("SERIALNUMBER=1");
    private ASN1Encodable libp2p;
    private byte[] libp2pRaw;
    private boolean libp2pCritical;
    private ASN1ObjectIdentifier extraOid;
    private boolean extraCritical;

    private Builder(KeyPair certKey) {
      this.certKey = certKey;
      this.signer = certKey;
    }

    Builder libp2p(ASN1Encodable signedKey, boolean critical) {
      this.libp2p = signedKey;
      this.libp2pCritical = critical;
      return this;
    }

    /** The libp2p extension with {@code value} as its raw value, however malformed. */
    Builder libp2pRaw(byte[] value) {
      this.libp2pRaw = value;
      return this;
    }

    Builder signedBy(KeyPair other) {
      this.signer = other;
      return this;
    }

    Builder validity(Instant from, Instant to) {
      this.notBefore = from;
      this.notAfter = to;
      return this;
    }

    Builder issuer(String dn) {
      this.issuer = new X500Name(dn);
      return this;
    }

    /** Both issuer and subject; {@code ""} gives the empty names js-libp2p's certificates have. */
    Builder names(String dn) {
      this.issuer = new X500Name(dn);
      this.subject = new X500Name(dn);
      return this;
    }

    Builder extra(String oid, boolean critical) {
      this.extraOid = new ASN1ObjectIdentifier(oid);
      this.extraCritical = critical;
      return this;
    }

    X509Certificate build() throws Exception {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              BigInteger.valueOf(1234567890L),
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              certKey.getPublic());
      if (libp2p != null) {
        b.addExtension(LIBP2P, libp2pCritical, libp2p);
      }
      if (libp2pRaw != null) {
        b.addExtension(LIBP2P, false, libp2pRaw);
      }
      if (extraOid != null) {
        b.addExtension(extraOid, extraCritical, new DEROctetString(new byte[] {1, 2, 3}));
      }
      // Bouncy Castle's parser: the JDK's refuses the empty names some tests need.
      return new JcaX509CertificateConverter()
          .setProvider(BC)
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
  }

  static X509Certificate fromHex(String hex) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(HexFormat.of().parseHex(hex)));
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
