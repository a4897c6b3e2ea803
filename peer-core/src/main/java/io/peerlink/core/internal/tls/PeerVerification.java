package io.peerlink.core.internal.tls;

import io.peerlink.core.HandshakeException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import javax.net.ssl.SSLEngine;

/**
 * What one connection's handshake must prove, and what it proved: the remote is trusted when its
 * certificate passes {@link Libp2pCertificates#verify} and, if an expected peer was given, proves
 * that peer. The shared {@link Libp2pTrustManager} finds this object by the connection's
 * {@link SSLEngine} while the handshake runs ({@link #bind}, {@link #release}).
 *
 * <p>Written by the engine during the handshake, read on the event loop afterwards; the key is
 * volatile so a test thread may look too.
 */
final class PeerVerification {
  private final PeerId expectedRemote;
  private final Clock clock;
  private volatile PublicKey verifiedKey;
  private volatile HandshakeException failure;
  private Libp2pTrustManager trust; // set on the event loop by bind
  private SSLEngine engine;

  /**
   * @param expectedRemote the peer the remote must prove, or null to accept any peer (a server)
   * @param clock the time certificate validity is checked against
   */
  PeerVerification(PeerId expectedRemote, Clock clock) {
    this.expectedRemote = expectedRemote;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The peer the remote must prove, or null. */
  PeerId expectedRemote() {
    return expectedRemote;
  }

  /** The remote host key proven during the handshake, or null if no certificate was accepted. */
  PublicKey verifiedKey() {
    return verifiedKey;
  }

  /**
   * Why the remote's certificate was refused, or null if it was not: an engine that reports only a
   * TLS alert (QUIC's) lets the dialer still say which check failed.
   */
  HandshakeException failure() {
    return failure;
  }

  /** The engine of this connection, once {@link #bind bound}; else null. */
  SSLEngine engine() {
    return engine;
  }

  /** Makes {@code trust} check {@code engine}'s remote certificate against this verification. */
  void bind(Libp2pTrustManager trust, SSLEngine engine) {
    if (this.engine != null) {
      throw new IllegalStateException("already bound to an engine");
    }
    this.trust = trust;
    this.engine = engine;
    trust.register(engine, this);
  }

  /** Ends the binding; the engine's certificate is not checked any more (nor trusted). */
  void release() {
    if (trust != null) {
      trust.unregister(engine);
      trust = null;
    }
  }

  /**
   * Checks the remote's certificate chain, and remembers the host key it proves.
   *
   * @throws HandshakeException saying which check failed
   */
  void verify(X509Certificate[] chain) throws HandshakeException {
    try {
      PublicKey key = Libp2pCertificates.verify(chain, clock);
      PeerId proven = key.peerId();
      if (expectedRemote != null && !expectedRemote.equals(proven)) {
        throw new HandshakeException(
            "expected peer " + expectedRemote + " but the remote proved " + proven);
      }
      verifiedKey = key;
    } catch (HandshakeException e) {
      failure = e;
      throw e;
    }
  }
}
