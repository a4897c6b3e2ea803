package io.peerlink.core.internal.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one {@link CertifiedKey} on both sides of the handshake, whatever CA names the peer asks
 * for (libp2p certificates are self-signed, so the names never match). Cheaper than building a
 * {@code KeyStore} and a {@code KeyManagerFactory} for every connection, which is what handing the
 * key and certificate to Netty's builder would do.
 */
final class Libp2pKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "libp2p";

  private final CertifiedKey certifiedKey;
  private final String keyType;
  private final X509Certificate[] chain;

  Libp2pKeyManager(CertifiedKey certifiedKey) {
    this.certifiedKey = Objects.requireNonNull(certifiedKey, "certifiedKey");
    // "EC" for our P-256 key: the JDK asks for an alias per key algorithm it can use.
    this.keyType = certifiedKey.privateKey().getAlgorithm();
    this.chain = new X509Certificate[] {certifiedKey.certificate()};
  }

  private String aliasFor(String requestedType) {
    return keyType.equals(requestedType) ? ALIAS : null;
  }

  private String aliasFor(String[] requestedTypes) {
    if (requestedTypes != null) {
      for (String t : requestedTypes) {
        if (keyType.equals(t)) {
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
