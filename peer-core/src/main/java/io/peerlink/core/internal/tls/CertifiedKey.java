package io.peerlink.core.internal.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A TLS certificate and its private key: what one side presents during the libp2p TLS handshake.
 * The key is a throwaway ECDSA P-256 key, never the host identity key; the certificate carries the
 * host key in the libp2p Public Key Extension (see {@link Libp2pCertificates#generate}).
 *
 * @param privateKey the certificate's private key
 * @param certificate the self-signed certificate
 */
public record CertifiedKey(PrivateKey privateKey, X509Certificate certificate) {
  /** Checks that neither part is missing. */
  public CertifiedKey {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(certificate, "certificate");
  }

  @Override
  public String toString() {
    // Never print the private key.
    return "CertifiedKey(" + certificate.getSubjectX500Principal() + ")";
  }
}
