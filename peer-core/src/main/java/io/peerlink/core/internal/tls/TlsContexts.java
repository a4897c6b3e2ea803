package io.peerlink.core.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslHandler;
import io.peerlink.core.TlsEngine;

/**
 * One TLS engine's way of making the handlers of a host's libp2p TLS connections, from
 * {@code SslContext}s made once and shared by all of them: one trust manager (checks per
 * connection through {@link PeerVerification}), one key manager (the {@link HostCertificate}), TLS
 * 1.3 with {@link TlsSecurity#CIPHER_SUITES}, client certificates required, no SNI, and no session
 * cache or tickets, so no session is ever resumed.
 *
 * <p>Each handler returned stands at {@link TlsSecurity#SSL_HANDLER_NAME}, has no handshake timeout
 * of its own ({@link TlsHandshakeHandler} keeps the deadline), and binds {@code verification} to its
 * engine as soon as the engine exists.
 */
interface TlsContexts {
  /** {@link TlsEngine#NATIVE} or {@link TlsEngine#JAVA}. */
  TlsEngine engine();

  /** The TLS client of one connection, offering {@link MuxerAlpn#offer} in ALPN. */
  SslHandler clientHandler(ByteBufAllocator alloc, PeerVerification verification);

  /**
   * The TLS server of one connection, choosing in ALPN the client's first protocol among the
   * host's muxers (or {@code "libp2p"}) and refusing with a {@code no_application_protocol} alert
   * when there is none: an {@link SslHandler}, or a handler that becomes one once it has read the
   * ClientHello.
   */
  ChannelHandler serverHandler(ByteBufAllocator alloc, PeerVerification verification);

  /** Disables the engine's own handshake timeout: the deadline belongs to {@link TlsHandshakeHandler}. */
  static SslHandler withoutTimeout(SslHandler handler) {
    handler.setHandshakeTimeoutMillis(0);
    return handler;
  }
}
