package io.peerlink.core.internal.tls;

import io.peerlink.core.HandshakeException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust decision of libp2p TLS, shared by all connections of one {@code SslContext}: there are
 * no CAs; each connection's engine is looked up to find its {@link PeerVerification}, which checks
 * the certificate and the expected peer. It extends {@link X509ExtendedTrustManager} so both
 * engines use it as is and add no host name check of their own.
 *
 * <p>Fails closed: a certificate on an engine that nobody registered (or that was released), or
 * on a socket, is refused. A failed check is thrown as a {@link CertificateException} whose cause
 * is a {@link HandshakeException} with the precise reason; the engine turns it into a TLS alert
 * for the remote.
 *
 * <p>Sharing the context is what makes connections cheap (no context, key manager or native
 * {@code SSL_CTX} per connection); it is safe only because no session is ever resumed, which the
 * contexts ensure and {@link TlsHandshakeHandler} checks.
 */
final class Libp2pTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  // Keyed by identity: SSLEngines do not override equals. Entries live for one handshake.
  private final Map<SSLEngine, PeerVerification> handshaking = new ConcurrentHashMap<>();

  void register(SSLEngine engine, PeerVerification verification) {
    if (handshaking.putIfAbsent(engine, verification) != null) {
      throw new IllegalStateException("engine already registered");
    }
  }

  void unregister(SSLEngine engine) {
    handshaking.remove(engine);
  }

  /** Engines whose handshake is being checked now; for tests that look for leaks. */
  int handshaking() {
    return handshaking.size();
  }

  private void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
    PeerVerification verification = engine == null ? null : handshaking.get(engine);
    if (verification == null) {
      throw new CertificateException(
          "no libp2p verification for this connection",
          new HandshakeException("no libp2p verification for this connection"));
    }
    try {
      verification.verify(chain);
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
    check(chain, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, null);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    // Empty: the CertificateRequest names no CA, so a client sends its self-signed certificate.
    return NO_ISSUERS;
  }
}
