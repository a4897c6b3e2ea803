package io.peerlink.core.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The libp2p TLS 1.3 security protocol ({@value #PROTOCOL_ID}) for Netty pipelines: one instance per
 * host identity, shared by all its connections.
 *
 * <p>Usage, once multistream-select has agreed on {@value #PROTOCOL_ID} (the TLS records start right
 * after the agreement, so install before passing on any leftover bytes):
 *
 * <pre>{@code
 * TlsSecurity tls = TlsSecurity.builder(identity).muxers(List.of("/yamux/1.0.0")).build();
 * tls.install(pipeline, ctx.name(), initiator, expectedPeerOrNull);  // then remove the multistream handler
 * }</pre>
 *
 * <p>{@link #install} adds an {@link SslHandler} ({@value #SSL_HANDLER_NAME}) and a
 * {@link TlsHandshakeHandler} ({@value #HANDSHAKE_HANDLER_NAME}) after the named handler. When the
 * handshake succeeds, a {@link io.peerlink.core.internal.security.SecureSession} user event comes
 * out of the pipeline and plaintext {@code ByteBuf}s follow; when it fails, a
 * {@link io.peerlink.core.HandshakeException} (or {@link io.peerlink.core.PeerTimeoutException})
 * comes out through {@code exceptionCaught} and the channel is closed.
 *
 * <p>What each connection gets: TLS 1.3 only with the three TLS 1.3 cipher suites; a client
 * certificate required; no SNI (the engine is made without a peer host); the libp2p certificate
 * checks in a per-connection trust manager (see {@link Libp2pCertificates#verify}), which on the
 * dialing side also requires the expected peer ID; ALPN early muxer negotiation (see
 * {@link MuxerAlpn}); no session resumption, because every connection gets its own
 * {@link SslContext} whose session cache nobody else can reach, and a resumed session would skip
 * the certificate checks.
 *
 * <p>Thread-safe and immutable.
 */
public final class TlsSecurity {
  /** The multistream-select protocol ID of libp2p TLS. */
  public static final String PROTOCOL_ID = "/tls/1.0.0";

  /** Pipeline name of the {@link SslHandler}. */
  public static final String SSL_HANDLER_NAME = "tls";

  /** Pipeline name of the {@link TlsHandshakeHandler}. */
  public static final String HANDSHAKE_HANDLER_NAME = "tls-handshake";

  /** The only TLS version libp2p allows. */
  static final String TLS_13 = "TLSv1.3";

  /** The TLS 1.3 cipher suites, as go enables (the spec names none). */
  static final List<String> CIPHER_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /** Default {@link Builder#handshakeTimeout}: 10 seconds, as Netty's own default. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private final Identity identity;
  private final List<String> muxers;
  private final List<String> clientAlpn;
  private final Duration handshakeTimeout;
  private final Clock clock;
  private final boolean certificatePerConnection;
  private final CertifiedKey sharedCertificate;

  private TlsSecurity(Builder b) {
    this.identity = b.identity;
    this.muxers = List.copyOf(b.muxers);
    this.clientAlpn = MuxerAlpn.offer(muxers);
    this.handshakeTimeout = b.handshakeTimeout;
    this.clock = b.clock;
    this.certificatePerConnection = b.certificatePerConnection;
    this.sharedCertificate =
        b.certificate != null
            ? b.certificate
            : certificatePerConnection ? null : Libp2pCertificates.generate(identity, clock);
  }

  /** Starts a configuration for {@code identity}. */
  public static Builder builder(Identity identity) {
    return new Builder(identity);
  }

  /** The identity this side proves. */
  public Identity identity() {
    return identity;
  }

  /** The muxers offered (client) or accepted (server) in ALPN, in preference order. */
  public List<String> muxers() {
    return muxers;
  }

  /**
   * Adds the TLS handlers to {@code pipeline}: the {@link SslHandler} right after
   * {@code afterName} (or first, if null) and the {@link TlsHandshakeHandler} right after it. The
   * handshake starts at once on an active channel, so call this on the channel's event loop at the
   * moment the TLS bytes begin.
   *
   * @param client true on the side that dialed (the TLS client); false on the side that accepted
   * @param expectedRemote the peer the remote must prove; required on the client (the spec says a
   *     client MUST check it); on a server null accepts any peer, and a non-null value is checked
   *     too (useful when roles are assigned by something other than who dialed)
   * @return the handshake handler, which also offers the handshake's outcome as a future
   * @throws IllegalArgumentException if {@code client} and {@code expectedRemote} is null
   */
  public TlsHandshakeHandler install(
      ChannelPipeline pipeline, String afterName, boolean client, PeerId expectedRemote) {
    if (client && expectedRemote == null) {
      throw new IllegalArgumentException("a TLS client must know the peer it expects");
    }
    Libp2pTrustManager trust = new Libp2pTrustManager(expectedRemote, clock);
    SslHandler ssl = newSslHandler(pipeline.channel().alloc(), client, trust);
    TlsHandshakeHandler handshake = new TlsHandshakeHandler(ssl, trust);
    if (afterName == null) {
      pipeline.addFirst(SSL_HANDLER_NAME, ssl);
    } else {
      pipeline.addAfter(afterName, SSL_HANDLER_NAME, ssl);
    }
    pipeline.addAfter(SSL_HANDLER_NAME, HANDSHAKE_HANDLER_NAME, handshake);
    return handshake;
  }

  /** Builds the {@link SslHandler} of one connection around a fresh context and engine. */
  SslHandler newSslHandler(ByteBufAllocator alloc, boolean client, Libp2pTrustManager trust) {
    CertifiedKey certificate =
        sharedCertificate != null ? sharedCertificate : Libp2pCertificates.generate(identity, clock);
    SslHandler handler = newSslContext(client, certificate, trust).newHandler(alloc);
    configureAlpn(handler.engine(), client);
    handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
    return handler;
  }

  private static SslContext newSslContext(
      boolean client, CertifiedKey certificate, Libp2pTrustManager trust) {
    Libp2pKeyManager keys = new Libp2pKeyManager(certificate);
    SslContextBuilder builder =
        client ? SslContextBuilder.forClient().keyManager(keys) : SslContextBuilder.forServer(keys);
    builder
        // Netty's JDK-style engine path (we ship no netty-tcnative), but Bouncy Castle's JSSE
        // rather than the JDK's: the JDK refuses js-libp2p's certificates (see TlsEngineProvider).
        .sslProvider(SslProvider.JDK)
        .sslContextProvider(TlsEngineProvider.JSSE)
        .protocols(TLS_13)
        .ciphers(CIPHER_SUITES)
        .clientAuth(ClientAuth.REQUIRE)
        .trustManager(trust)
        // The context serves a single connection, so there is nothing to cache.
        .sessionCacheSize(1);
    if (client) {
      // Netty 4.2 turns on HTTPS host name checks for clients; libp2p peers have no host names.
      builder.endpointIdentificationAlgorithm(null);
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      // Only a runtime without TLS 1.3 or these suites gets here: a broken runtime, not a peer's fault.
      throw new IllegalStateException("cannot build a TLS 1.3 context", e);
    }
  }

  private void configureAlpn(SSLEngine engine, boolean client) {
    if (client) {
      SSLParameters params = engine.getSSLParameters();
      params.setApplicationProtocols(clientAlpn.toArray(String[]::new));
      engine.setSSLParameters(params);
    } else {
      // The engines' default ALPN choice is the server's preference; libp2p wants the client's.
      engine.setHandshakeApplicationProtocolSelector(
          (e, offered) -> MuxerAlpn.select(offered, muxers));
    }
  }

  /** Builds a {@link TlsSecurity}; defaults in one place, checks in {@link #build()}. */
  public static final class Builder {
    private final Identity identity;
    private List<String> muxers = List.of();
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private boolean certificatePerConnection;
    private CertifiedKey certificate;

    private Builder(Identity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
    }

    /**
     * The muxer protocol IDs to negotiate inside the handshake, in preference order, e.g.
     * {@code ["/yamux/1.0.0"]}. Default: none, so the muxer is always negotiated afterwards.
     */
    public Builder muxers(List<String> muxers) {
      this.muxers = List.copyOf(muxers);
      return this;
    }

    /** How long a handshake may take before it fails with a timeout. Default {@link #DEFAULT_HANDSHAKE_TIMEOUT}. */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The clock for certificate validity, ours and the remote's. Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether each connection gets a newly generated certificate instead of one made at
     * {@link #build()} and reused, as go-libp2p does; the spec allows both. A new one costs a key
     * generation and two signatures, a few milliseconds of CPU on the event loop in
     * {@link #install} with the JDK 17 providers. Default false.
     */
    public Builder certificatePerConnection(boolean perConnection) {
      this.certificatePerConnection = perConnection;
      return this;
    }

    /** Presents this certificate on every connection instead of generating one. For tests. */
    Builder certificate(CertifiedKey certificate) {
      this.certificate = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException if the timeout is not positive or a muxer ID is empty or
     *     {@code "libp2p"}
     */
    public TlsSecurity build() {
      if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
        throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
      }
      for (String m : muxers) {
        if (m.isEmpty() || m.length() > 255 || MuxerAlpn.LIBP2P.equals(m)) {
          throw new IllegalArgumentException("not a muxer protocol ID for ALPN: '" + m + "'");
        }
      }
      return new TlsSecurity(this);
    }
  }
}
