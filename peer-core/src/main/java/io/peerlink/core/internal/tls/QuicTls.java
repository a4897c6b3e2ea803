package io.peerlink.core.internal.tls;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.AttributeKey;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.internal.security.SecureSession;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

/**
 * libp2p TLS inside QUIC (libp2p/specs {@code quic/README.md}): TLS 1.3 with ALPN
 * {@value #ALPN} only, both sides presenting the libp2p certificate, and the same checks as TLS
 * over TCP ({@link Libp2pCertificates#verify}, and on the dialing side the expected peer ID), run
 * by BoringSSL inside Netty's QUIC codec. One instance per host, shared by all its QUIC
 * connections: per connection there is only an engine.
 *
 * <p>Each connection's {@link PeerVerification} rides on its {@link QuicChannel} as an attribute:
 * the dialer puts the expected peer there ({@link #EXPECTED_PEER}) before connecting, the engine
 * provider binds a verification to the new engine, and {@link #session} reads what it proved once
 * the handshake is done. No session is resumed: engines are made without a peer host, so the
 * client cache never finds one, and {@link #session} fails a handshake without a checked
 * certificate.
 */
public final class QuicTls {
  /** The ALPN protocol libp2p QUIC requires; a server that matches nothing aborts the handshake. */
  public static final String ALPN = "libp2p";

  /** The peer a dialed connection must prove; set it on the channel before connecting. */
  public static final AttributeKey<PeerId> EXPECTED_PEER = AttributeKey.valueOf("peerlink.quic.expectedPeer");

  private static final AttributeKey<PeerVerification> VERIFICATION =
      AttributeKey.valueOf("peerlink.quic.verification");

  private final Clock clock;
  private final Libp2pTrustManager trust = new Libp2pTrustManager();
  private final QuicSslContext client;
  private final QuicSslContext server;

  private QuicTls(HostCertificate certificates, Clock clock) {
    this.clock = clock;
    certificates.current(); // made now, not on an event loop during the first handshake
    Libp2pKeyManager keys = new Libp2pKeyManager(certificates);
    this.client = QuicSslContextBuilder.forClient()
        .keyManager(keys, null)
        .trustManager(trust)
        .applicationProtocols(ALPN)
        .build();
    this.server = QuicSslContextBuilder.forServer(keys, null)
        .trustManager(trust)
        .clientAuth(ClientAuth.REQUIRE)
        .applicationProtocols(ALPN)
        .build();
  }

  /** QUIC TLS for {@code identity}, with a certificate made for it and renewed before it expires. */
  public static QuicTls create(Identity identity, Clock clock) {
    return new QuicTls(HostCertificate.generated(Objects.requireNonNull(identity, "identity"), clock), clock);
  }

  /** QUIC TLS that presents {@code certificate} on every connection, whatever it holds. For tests. */
  static QuicTls presenting(CertifiedKey certificate) {
    return new QuicTls(HostCertificate.fixed(certificate), Clock.systemUTC());
  }

  /** Makes the engine of each dialed connection; the channel must carry {@link #EXPECTED_PEER}. */
  public Function<QuicChannel, QuicSslEngine> clientEngines() {
    return channel -> {
      PeerId expected = channel.attr(EXPECTED_PEER).get();
      if (expected == null) {
        throw new IllegalStateException("a QUIC dial must name the peer it expects");
      }
      return bind(channel, client.newEngine(channel.alloc()), expected);
    };
  }

  /** Makes the engine of each accepted connection; any peer may connect. */
  public Function<QuicChannel, QuicSslEngine> serverEngines() {
    return channel -> bind(channel, server.newEngine(channel.alloc()), null);
  }

  private QuicSslEngine bind(QuicChannel channel, QuicSslEngine engine, PeerId expected) {
    PeerVerification verification = new PeerVerification(expected, clock);
    verification.bind(trust, engine);
    channel.attr(VERIFICATION).set(verification);
    // Unregistered when the connection ends, however it ends; session() does it sooner.
    channel.closeFuture().addListener(f -> verification.release());
    return engine;
  }

  /**
   * What the finished handshake of {@code channel} proved, and ends its verification.
   *
   * @throws HandshakeException if no libp2p certificate was checked on it
   */
  public static SecureSession session(QuicChannel channel) throws HandshakeException {
    PeerVerification verification = channel.attr(VERIFICATION).getAndSet(null);
    if (verification == null) {
      throw new HandshakeException("no libp2p verification for this QUIC connection");
    }
    verification.release();
    PublicKey key = verification.verifiedKey();
    if (key == null) {
      throw new HandshakeException("the QUIC handshake finished without a checked libp2p certificate");
    }
    PeerId expected = verification.expectedRemote();
    if (expected != null && !expected.equals(key.peerId())) {
      throw new HandshakeException("expected peer " + expected + " but the remote proved " + key.peerId());
    }
    return new SecureSession(key.peerId(), key, "quic-v1", null);
  }

  /**
   * Why {@code channel}'s handshake refused the remote's certificate, or null if it did not (or
   * the remote refused ours: then only QUIC's close reason tells).
   */
  public static HandshakeException failure(QuicChannel channel) {
    PeerVerification verification = channel.attr(VERIFICATION).get();
    return verification == null ? null : verification.failure();
  }

  /** Connections whose certificate check is registered now; for tests that look for leaks. */
  int verificationsInProgress() {
    return trust.handshaking();
  }
}
