package io.peerlink.core.internal.host;

import io.peerlink.core.HandshakeException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.internal.tls.Libp2pCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** Checks that a PEM certificate file is a libp2p certificate made for a given identity. */
public final class PemCertificates {
  private PemCertificates() {}

  /**
   * @throws InvalidKeyException if the file holds no libp2p certificate, or one for another key
   */
  public static void checkMatches(Identity identity, Path certPath) throws IOException, InvalidKeyException {
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(certPath)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (CertificateException e) {
      throw new InvalidKeyException(certPath + " holds no X.509 certificate: " + e.getMessage(), e);
    }
    PublicKey certified;
    try {
      certified = Libp2pCertificates.verify(new X509Certificate[] {cert});
    } catch (HandshakeException e) {
      throw new InvalidKeyException(certPath + " is not a valid libp2p certificate: " + e.getMessage(), e);
    }
    if (!certified.equals(identity.publicKey())) {
      throw new InvalidKeyException(certPath + " was made for peer " + certified.peerId()
          + ", not for the key's peer " + identity.peerId() + "; pass the matching pair or no certificate");
    }
  }
}
