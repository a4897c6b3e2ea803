package io.peerlink.core.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.peerlink.core.TlsEngine;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

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
 * <p>{@link #install} adds the TLS handler ({@value #SSL_HANDLER_NAME}: an {@link SslHandler}, or on
 * the native engine's server side a handler that reads the ClientHello and then becomes one) and a
 * {@link TlsHandshakeHandler} ({@value #HANDSHAKE_HANDLER_NAME}) after the named handler. When the
 * handshake succeeds, a {@link io.peerlink.core.internal.security.SecureSession} user event comes
 * out of the pipeline and plaintext {@code ByteBuf}s follow; when it fails, a
 * {@link io.peerlink.core.HandshakeException} (or {@link io.peerlink.core.PeerTimeoutException})
 * comes out through {@code exceptionCaught} and the channel is closed.
 *
 * <p>What each connection gets: TLS 1.3 only with the three TLS 1.3 cipher suites; a client
 * certificate required; no SNI (the engine is made without a peer host); the host's certificate,
 * made once and reused until shortly before it expires ({@link HostCertificate}); the libp2p
 * certificate checks (see {@link Libp2pCertificates#verify}), which on the dialing side also
 * require the expected peer ID; ALPN early muxer negotiation by the client's preference (see
 * {@link MuxerAlpn}); and no session resumption, which would skip the certificate checks: the
 * contexts keep no session cache and issue no tickets, and a handshake that completes without a
 * checked certificate fails.
 *
 * <p>The {@link TlsEngine} runs the records: the native one (BoringSSL) where it loads, Bouncy
 * Castle's Java one otherwise (see {@link TlsEngines}). The {@code SslContext}s are made once, in
 * {@link Builder#build()}, and shared by all connections; per connection there is only an engine.
 *
 * <p>Thread-safe and immutable.
 */
public final class TlsSecurity {
  /** The multistream-select protocol ID of libp2p TLS. */
  public static final String PROTOCOL_ID = "/tls/1.0.0";

  /** Pipeline name of the TLS handler ({@link SslHandler}). */
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

  /**
   * Default {@link Builder#maxClientHelloBytes}: 64 KiB. A ClientHello is a few hundred bytes, about
   * 1.5 KiB with a post-quantum key share; TLS lets one span several 16 KiB records.
   */
  public static final int DEFAULT_MAX_CLIENT_HELLO_BYTES = 64 * 1024;

  private final Identity identity;
  private final List<String> muxers;
  private final Duration handshakeTimeout;
  private final Clock clock;
  private final HostCertificate certificates;
  private final Libp2pTrustManager trust = new Libp2pTrustManager();
  private final TlsContexts contexts;

  private TlsSecurity(Builder b) {
    this.identity = b.identity;
    this.muxers = List.copyOf(b.muxers);
    this.handshakeTimeout = b.handshakeTimeout;
    this.clock = b.clock;
    this.certificates =
        b.certificate != null ? HostCertificate.fixed(b.certificate) : HostCertificate.generated(identity, clock);
    // Made now rather than on the first connection: an event loop should not stall for it.
    certificates.current();
    this.contexts = TlsEngines.resolve(b.engine) == TlsEngine.NATIVE
        ? new NativeTlsContexts(certificates, trust, muxers, b.maxClientHelloBytes)
        : new JavaTlsContexts(certificates, trust, muxers);
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

  /** The engine that runs this host's TLS: {@link TlsEngine#NATIVE} or {@link TlsEngine#JAVA}. */
  public TlsEngine engine() {
    return contexts.engine();
  }

  /** Connections whose handshake is under way (their certificate check is registered). */
  int verificationsInProgress() {
    return trust.handshaking();
  }

  /** The certificate presented now. */
  CertifiedKey certificate() {
    return certificates.current();
  }

  /**
   * Adds the TLS handlers to {@code pipeline}: the TLS handler right after {@code afterName} (or
   * first, if null) and the {@link TlsHandshakeHandler} right after it. The handshake starts at
   * once on an active channel, so call this on the channel's event loop at the moment the TLS bytes
   * begin.
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
    PeerVerification verification = new PeerVerification(expectedRemote, clock);
    ByteBufAllocator alloc = pipeline.channel().alloc();
    ChannelHandler tls =
        client ? contexts.clientHandler(alloc, verification) : contexts.serverHandler(alloc, verification);
    TlsHandshakeHandler handshake = new TlsHandshakeHandler(verification, handshakeTimeout.toMillis());
    try {
      if (afterName == null) {
        pipeline.addFirst(SSL_HANDLER_NAME, tls);
      } else {
        pipeline.addAfter(afterName, SSL_HANDLER_NAME, tls);
      }
      pipeline.addAfter(SSL_HANDLER_NAME, HANDSHAKE_HANDLER_NAME, handshake);
    } catch (RuntimeException e) {
      verification.release();
      throw e;
    }
    return handshake;
  }

  /** Builds a {@link TlsSecurity}; defaults in one place, checks in {@link #build()}. */
  public static final class Builder {
    private final Identity identity;
    private List<String> muxers = List.of();
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private TlsEngine engine = TlsEngine.AUTO;
    private int maxClientHelloBytes = DEFAULT_MAX_CLIENT_HELLO_BYTES;
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

    /**
     * The clock for certificate validity, ours and the remote's, and for renewing ours. Default:
     * the system UTC clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Which TLS engine runs the connections. Default {@link TlsEngine#AUTO}. */
    public Builder engine(TlsEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /**
     * The largest ClientHello a server reads before choosing the muxer (native engine only; the
     * Java engine bounds its records itself), in bytes. A larger one fails the handshake. Default
     * {@link #DEFAULT_MAX_CLIENT_HELLO_BYTES}.
     */
    public Builder maxClientHelloBytes(int bytes) {
      this.maxClientHelloBytes = bytes;
      return this;
    }

    /** Presents this certificate on every connection instead of generating one. For tests. */
    Builder certificate(CertifiedKey certificate) {
      this.certificate = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /**
     * Validates and builds, making the engine's contexts and the host's certificate.
     *
     * @throws IllegalArgumentException if the timeout is not positive, a muxer ID is empty or
     *     {@code "libp2p"}, or the ClientHello bound is under 1 KiB
     * @throws IllegalStateException if the native engine is asked for and cannot load here
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
      if (maxClientHelloBytes < 1024) {
        throw new IllegalArgumentException("maxClientHelloBytes must be at least 1 KiB: " + maxClientHelloBytes);
      }
      return new TlsSecurity(this);
    }
  }
}
