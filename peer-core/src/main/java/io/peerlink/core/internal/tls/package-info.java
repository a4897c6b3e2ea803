/**
 * The libp2p TLS 1.3 security protocol ({@code /tls/1.0.0}, {@code tls/tls.md}) on Netty's
 * {@code SslHandler}, run by BoringSSL through netty-tcnative where it loads and by Bouncy Castle's
 * JSSE engine elsewhere ({@link io.peerlink.core.internal.tls.TlsEngines}): the host's reused
 * certificate that carries its key ({@link io.peerlink.core.internal.tls.HostCertificate},
 * {@link io.peerlink.core.internal.tls.Libp2pCertificates}), the per-connection trust decision in
 * contexts shared by all connections, early muxer negotiation through ALPN, and the handler that
 * reports the outcome as a {@link io.peerlink.core.internal.security.SecureSession}. Start at
 * {@link io.peerlink.core.internal.tls.TlsSecurity}.
 */
package io.peerlink.core.internal.tls;
