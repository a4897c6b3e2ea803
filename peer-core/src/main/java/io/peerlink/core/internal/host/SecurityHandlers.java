package io.peerlink.core.internal.host;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.noise.NoiseHandler;
import io.peerlink.core.internal.plaintext.PlaintextHandler;
import io.peerlink.core.internal.tls.TlsSecurity;
import java.util.List;

/**
 * Makes the security handler of one connection for the protocol multistream-select agreed on.
 * Every kind (TLS, Noise, and the test-only plaintext) fires a {@link io.peerlink.core.internal.security.SecureSession} once the remote is
 * authenticated, then carry plaintext {@code ByteBuf}s.
 */
final class SecurityHandlers {
  private final Identity identity;
  private final PeerConfig config;
  private final List<String> muxers;
  private final TlsSecurity tls;

  SecurityHandlers(Identity identity, PeerConfig config, List<String> earlyMuxers) {
    this.identity = identity;
    this.config = config;
    this.muxers = List.copyOf(earlyMuxers);
    this.tls = TlsSecurity.builder(identity)
        .muxers(muxers)
        .handshakeTimeout(config.handshakeTimeout())
        .engine(config.tlsEngine())
        .build();
  }

  /**
   * The handler to put where the security negotiator stood. {@code initiator} is the side that
   * dialed (TLS client, Noise initiator); it must know the peer it expects.
   */
  ChannelHandler create(SecurityProtocol protocol, boolean initiator, PeerId expected) {
    return switch (protocol) {
      case TLS -> new TlsInstaller(initiator, expected);
      case NOISE -> new NoiseHandler(identity, initiator, expected, muxers, config.handshakeTimeout());
      case PLAINTEXT -> new PlaintextHandler(identity, expected);
    };
  }

  /** TLS needs two handlers at this position; {@link TlsSecurity#install} places them. */
  private final class TlsInstaller extends ChannelHandlerAdapter {
    private final boolean client;
    private final PeerId expected;

    TlsInstaller(boolean client, PeerId expected) {
      this.client = client;
      this.expected = expected;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      tls.install(ctx.pipeline(), ctx.name(), client, expected);
      ctx.pipeline().remove(this);
    }
  }
}
