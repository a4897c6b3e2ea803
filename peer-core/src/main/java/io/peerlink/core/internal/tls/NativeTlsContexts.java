package io.peerlink.core.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.internal.tcnative.SSL;
import io.peerlink.core.TlsEngine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * {@link TlsContexts} on BoringSSL through netty-tcnative: Netty's {@code SslHandler} hands it
 * pooled direct buffers and it seals and opens records in place, with AES-GCM in assembly.
 *
 * <p>ALPN lives in the native context, not in the engine, and BoringSSL's server side (as
 * netty-tcnative sets it up) picks by the server's order and does not abort when nothing
 * matches. So the server reads the ClientHello first ({@link ClientHelloMuxerSelector}), makes the
 * libp2p choice itself, and then hands the connection to the context that offers exactly that
 * one protocol: one server context per muxer plus one for {@code "libp2p"}.
 *
 * <p>Contexts come from {@link SslProvider#OPENSSL}: their native memory is freed when the host's
 * {@link TlsSecurity} is garbage (there is no close to call), while each engine is freed by its
 * {@code SslHandler} when the connection ends. No session is resumed: the server session cache is
 * off, and each engine has session tickets turned off again after Netty turned them on.
 */
final class NativeTlsContexts implements TlsContexts {
  private final Libp2pTrustManager trust;
  private final List<String> muxers;
  private final int maxClientHelloBytes;
  private final SslContext client;
  /** Server contexts by the one ALPN protocol each offers: every muxer, and "libp2p". */
  private final Map<String, SslContext> servers = new HashMap<>();

  NativeTlsContexts(
      HostCertificate certificates, Libp2pTrustManager trust, List<String> muxers, int maxClientHelloBytes) {
    this.trust = trust;
    this.muxers = List.copyOf(muxers);
    this.maxClientHelloBytes = maxClientHelloBytes;
    // No key material cache (OpenSslCachingX509KeyManagerFactory): its cached material is freed
    // only when the context is garbage-collected, and a context collected with its cache makes
    // Netty's leak detector report the material as leaked. Without it each handshake encodes our
    // key and certificate for BoringSSL once and the engine frees them when the handshake is done:
    // a few tens of microseconds, next to a handshake of several milliseconds.
    KeyManagerFactory keys = new KeyManagerFactoryWrapper(new Libp2pKeyManager(certificates));
    this.client = build(
        SslContextBuilder.forClient().keyManager(keys).endpointIdentificationAlgorithm(null),
        MuxerAlpn.offer(muxers));
    for (String protocol : MuxerAlpn.offer(muxers)) {
      servers.put(protocol,
          build(SslContextBuilder.forServer(keys).clientAuth(ClientAuth.REQUIRE), List.of(protocol)));
    }
  }

  private SslContext build(SslContextBuilder builder, List<String> alpn) {
    try {
      SslContext context = builder
          .sslProvider(SslProvider.OPENSSL)
          .protocols(TlsSecurity.TLS_13)
          .ciphers(TlsSecurity.CIPHER_SUITES)
          .trustManager(trust)
          .applicationProtocolConfig(new ApplicationProtocolConfig(
              Protocol.ALPN,
              // Only used by a server, and only for a client that offered ALPN at all: the
              // selector has already checked that this context's one protocol is among the offer.
              SelectorFailureBehavior.NO_ADVERTISE,
              // A client accepts whatever the server chose; BoringSSL already refuses a protocol
              // the client did not offer.
              SelectedListenerFailureBehavior.ACCEPT,
              alpn))
          .build();
      ((OpenSslSessionContext) context.sessionContext()).setSessionCacheEnabled(false);
      return context;
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build a native TLS 1.3 context", e);
    }
  }

  @Override
  public TlsEngine engine() {
    return TlsEngine.NATIVE;
  }

  @Override
  public SslHandler clientHandler(ByteBufAllocator alloc, PeerVerification verification) {
    return prepare(client.newHandler(alloc), verification);
  }

  /**
   * Turns session tickets off on the engine (Netty turns them on for every TLS 1.3 engine, and
   * BoringSSL resumes from them without calling the certificate verifier), binds the verification
   * and leaves the deadline to {@link TlsHandshakeHandler}.
   */
  private SslHandler prepare(SslHandler handler, PeerVerification verification) {
    ReferenceCountedOpenSslEngine engine = (ReferenceCountedOpenSslEngine) handler.engine();
    SSL.setOptions(engine.sslPointer(), SSL.SSL_OP_NO_TICKET);
    verification.bind(trust, engine);
    return TlsContexts.withoutTimeout(handler);
  }

  @Override
  public ChannelHandler serverHandler(ByteBufAllocator alloc, PeerVerification verification) {
    return new ClientHelloMuxerSelector(
        muxers, maxClientHelloBytes, protocol -> prepare(servers.get(protocol).newHandler(alloc), verification));
  }
}
