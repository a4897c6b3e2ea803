/**
 * peer-core: identities and peer IDs, multiaddrs, secure connections (TLS 1.3, Noise), yamux
 * streams, identify and ping, listening and dialing, and the SPI ({@code io.peerlink.core.spi})
 * that protocol modules build on. Everything under {@code io.peerlink.core.internal} stays inside.
 */
module io.peerlink.core {
  // Public signatures name Netty's Channel, ByteBuf and EventLoopGroup: users get them transitively.
  requires transitive io.netty.buffer;
  requires transitive io.netty.common;
  requires transitive io.netty.transport;
  requires io.netty.codec;
  requires io.netty.handler;
  requires io.netty.codec.classes.quic;
  requires io.netty.transport.classes.epoll;
  requires io.netty.transport.unix.common;
  requires io.netty.tcnative.classes.openssl;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.tls;
  requires org.bouncycastle.util;
  requires com.google.protobuf;
  requires org.conscrypt;
  requires org.slf4j;
  requires java.logging;
  requires static micrometer.core; // optional: only io.peerlink.core.metrics uses it // only to quiet a BouncyCastle JSSE notice (TlsEngineProvider)

  exports io.peerlink.core;
  exports io.peerlink.core.event;
  exports io.peerlink.core.identity;
  exports io.peerlink.core.metrics;
  exports io.peerlink.core.multiaddr;
  exports io.peerlink.core.perf;
  exports io.peerlink.core.spi;
}
