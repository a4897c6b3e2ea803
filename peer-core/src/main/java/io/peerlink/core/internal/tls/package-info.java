/**
 * The libp2p TLS 1.3 security protocol ({@code /tls/1.0.0}, {@code tls/tls.md}) on Netty's
 * {@code SslHandler} with Bouncy Castle's JSSE engine (see {@code TlsEngineProvider} for why):
 * certificates that carry the host key ({@link
 * io.peerlink.core.internal.tls.Libp2pCertificates}), the per-connection trust decision, early
 * muxer negotiation through ALPN, and the handler that reports the outcome as a
 * {@link io.peerlink.core.internal.security.SecureSession}. Start at {@link
 * io.peerlink.core.internal.tls.TlsSecurity}.
 */
package io.peerlink.core.internal.tls;
