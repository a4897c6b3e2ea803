package io.peerlink.core.internal.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.teletrust.TeleTrusTNamedCurves;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Presents the host's {@link HostCertificate} on both sides of the handshake, whatever CA names the
 * peer asks for (libp2p certificates are self-signed, so the names never match). The alias is the
 * certificate's serial number, so a handshake that chose a certificate gets that certificate's
 * chain and key even if the host renews it in between. Cheaper than building a {@code KeyStore}
 * and a {@code KeyManagerFactory}, which is what handing the key and certificate to Netty's builder
 * would do, and able to follow a renewal, which a key store is not.
 */
final class Libp2pKeyManager extends X509ExtendedKeyManager {
  private final HostCertificate certificates;
  // The key types of the last certificate looked at, so a handshake does not decode its key again.
  private volatile KeyTypes lastTypes;

  Libp2pKeyManager(HostCertificate certificates) {
    this.certificates = Objects.requireNonNull(certificates, "certificates");
  }

  /**
   * The key type names a TLS engine may ask an alias for, for our certificate key. The JDK asks by
   * key algorithm ({@code "EC"}); Bouncy Castle's JSSE asks in TLS 1.3 by algorithm and curve
   * ({@code "EC/secp256r1"}), because a TLS 1.3 ECDSA signature scheme fixes the curve.
   */
  static Set<String> keyTypes(X509Certificate certificate) {
    String algorithm = certificate.getPublicKey().getAlgorithm();
    Set<String> types = new HashSet<>();
    types.add(algorithm);
    if ("EC".equals(algorithm)) {
      String curve = curveName(certificate.getPublicKey().getEncoded());
      if (curve != null) {
        types.add(algorithm + "/" + curve);
      }
    }
    return Set.copyOf(types);
  }

  /** The SEC (or Brainpool) name of the named curve in an EC SubjectPublicKeyInfo, or null. */
  private static String curveName(byte[] spki) {
    try {
      ASN1Encodable params =
          SubjectPublicKeyInfo.getInstance(spki).getAlgorithm().getParameters();
      if (!(params instanceof ASN1ObjectIdentifier oid)) {
        return null;
      }
      String name = SECNamedCurves.getName(oid);
      return name != null ? name : TeleTrusTNamedCurves.getName(oid);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The current certificate's alias if its key is of one of the requested types, else null. */
  private String aliasFor(String... requestedTypes) {
    if (requestedTypes == null) {
      return null;
    }
    CertifiedKey key = certificates.current();
    KeyTypes cached = lastTypes;
    if (cached == null || cached.key() != key) {
      cached = new KeyTypes(key, keyTypes(key.certificate()));
      lastTypes = cached;
    }
    Set<String> types = cached.types();
    for (String t : requestedTypes) {
      if (t != null && types.contains(t)) {
        return HostCertificate.alias(key);
      }
    }
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    CertifiedKey key = alias == null ? null : certificates.byAlias(alias);
    return key == null ? null : new X509Certificate[] {key.certificate()};
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    CertifiedKey key = alias == null ? null : certificates.byAlias(alias);
    return key == null ? null : key.privateKey();
  }

  private record KeyTypes(CertifiedKey key, Set<String> types) {}
}
