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
 * Presents one {@link CertifiedKey} on both sides of the handshake, whatever CA names the peer asks
 * for (libp2p certificates are self-signed, so the names never match). Cheaper than building a
 * {@code KeyStore} and a {@code KeyManagerFactory} for every connection, which is what handing the
 * key and certificate to Netty's builder would do.
 */
final class Libp2pKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "libp2p";

  private final CertifiedKey certifiedKey;
  private final Set<String> keyTypes;
  private final X509Certificate[] chain;

  Libp2pKeyManager(CertifiedKey certifiedKey) {
    this.certifiedKey = Objects.requireNonNull(certifiedKey, "certifiedKey");
    this.keyTypes = keyTypes(certifiedKey.certificate());
    this.chain = new X509Certificate[] {certifiedKey.certificate()};
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

  private String aliasFor(String requestedType) {
    return requestedType != null && keyTypes.contains(requestedType) ? ALIAS : null;
  }

  private String aliasFor(String[] requestedTypes) {
    if (requestedTypes != null) {
      for (String t : requestedTypes) {
        if (aliasFor(t) != null) {
          return ALIAS;
        }
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
    return aliasFor(keyType) == null ? null : new String[] {ALIAS};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? certifiedKey.privateKey() : null;
  }
}
