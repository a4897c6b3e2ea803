package io.peerlink.core.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.peerlink.core.TlsEngine;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;

/**
 * {@link TlsContexts} on Bouncy Castle's pure-Java JSSE engine (see {@link TlsEngineProvider} for
 * why not the JDK's). ALPN is set on each engine: the client's offer through its
 * {@link SSLParameters}, the server's choice through its application protocol selector, which
 * follows the client's preference and returns null for no match, making the engine send
 * {@code no_application_protocol}.
 */
final class JavaTlsContexts implements TlsContexts {
  private final Libp2pTrustManager trust;
  private final List<String> muxers;
  private final String[] clientAlpn;
  private final SslContext client;
  private final SslContext server;

  JavaTlsContexts(HostCertificate certificates, Libp2pTrustManager trust, List<String> muxers) {
    this.trust = trust;
    this.muxers = List.copyOf(muxers);
    this.clientAlpn = MuxerAlpn.offer(muxers).toArray(String[]::new);
    Libp2pKeyManager keys = new Libp2pKeyManager(certificates);
    this.client = build(SslContextBuilder.forClient().keyManager(keys)
        // Netty 4.2 turns on HTTPS host name checks for clients; libp2p peers have no host names.
        .endpointIdentificationAlgorithm(null));
    this.server = build(SslContextBuilder.forServer(keys).clientAuth(ClientAuth.REQUIRE));
  }

  private SslContext build(SslContextBuilder builder) {
    try {
      SslContext context = builder
          .sslProvider(SslProvider.JDK)
          .sslContextProvider(TlsEngineProvider.JSSE)
          .protocols(TlsSecurity.TLS_13)
          .ciphers(TlsSecurity.CIPHER_SUITES)
          .trustManager(trust)
          .build();
      // Engines are made without a peer host, so a client never looks a session up; a server
      // cache of one keeps nothing worth resuming either (and resumption would skip our checks).
      SSLSessionContext sessions = context.sessionContext();
      sessions.setSessionCacheSize(1);
      return context;
    } catch (SSLException e) {
      // Only a runtime without TLS 1.3 or these suites gets here: a broken runtime, not a peer's fault.
      throw new IllegalStateException("cannot build a TLS 1.3 context", e);
    }
  }

  @Override
  public TlsEngine engine() {
    return TlsEngine.JAVA;
  }

  @Override
  public SslHandler clientHandler(ByteBufAllocator alloc, PeerVerification verification) {
    SslHandler handler = client.newHandler(alloc);
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    params.setApplicationProtocols(clientAlpn);
    engine.setSSLParameters(params);
    verification.bind(trust, engine);
    return TlsContexts.withoutTimeout(handler);
  }

  @Override
  public ChannelHandler serverHandler(ByteBufAllocator alloc, PeerVerification verification) {
    SslHandler handler = server.newHandler(alloc);
    SSLEngine engine = handler.engine();
    // The engine's default ALPN choice is the server's preference; libp2p wants the client's.
    engine.setHandshakeApplicationProtocolSelector((e, offered) -> MuxerAlpn.select(offered, muxers));
    verification.bind(trust, engine);
    return TlsContexts.withoutTimeout(handler);
  }
}
