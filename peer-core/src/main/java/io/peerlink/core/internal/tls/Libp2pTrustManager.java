package io.peerlink.core.internal.tls;

import io.peerlink.core.HandshakeException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust decision of one libp2p TLS connection: the remote is trusted when its certificate
 * passes {@link Libp2pCertificates#verify} and, if an expected peer was given, proves that peer.
 * There are no CAs. It extends {@link X509ExtendedTrustManager} so the TLS engine uses it as is and adds
 * no host name check of its own.
 *
 * <p>One instance serves exactly one connection: it remembers the host key it verified, which the
 * {@link TlsHandshakeHandler} reads once the handshake completes ({@link #verifiedKey()}). A failed
 * check is thrown as a {@link CertificateException} whose cause is a {@link HandshakeException}
 * with the precise reason; the engine turns it into a TLS alert for the remote.
 */
final class Libp2pTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final PeerId expectedRemote;
  private final Clock clock;
  // Written on the event loop by the engine during the handshake, read there afterwards; volatile
  // only so a test thread may look too.
  private volatile PublicKey verifiedKey;

  /**
   * @param expectedRemote the peer the remote must prove, or null to accept any peer (a server)
   * @param clock the time certificate validity is checked against
   */
  Libp2pTrustManager(PeerId expectedRemote, Clock clock) {
    this.expectedRemote = expectedRemote;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The remote host key proven during the handshake, or null if no certificate was accepted. */
  PublicKey verifiedKey() {
    return verifiedKey;
  }

  /** The peer the remote must prove, or null. */
  PeerId expectedRemote() {
    return expectedRemote;
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    try {
      PublicKey key = Libp2pCertificates.verify(chain, clock);
      PeerId proven = key.peerId();
      if (expectedRemote != null && !expectedRemote.equals(proven)) {
        throw new HandshakeException(
            "expected peer " + expectedRemote + " but the remote proved " + proven);
      }
      verifiedKey = key;
    } catch (HandshakeException e) {
      throw new CertificateException(e.getMessage(), e);
    } catch (RuntimeException e) {
      // A key parser bug must fail this handshake, not escape into the TLS engine as a crash.
      throw new CertificateException(
          "certificate check failed: " + e, new HandshakeException("certificate check failed: " + e, e));
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    // Empty: the CertificateRequest names no CA, so a client sends its self-signed certificate.
    return NO_ISSUERS;
  }
}
