package io.peerlink.core.internal.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.peerlink.core.HandshakeException;
import java.util.List;
import java.util.function.Function;

/**
 * The native engine's server side of early muxer negotiation. It reads the ClientHello's ALPN offer
 * before the TLS engine sees it (Netty's {@link SslClientHelloHandler} gathers the ClientHello,
 * refusing one over the configured size), picks by {@link MuxerAlpn#select}, the client's
 * preference, and puts in its own place the {@link SslHandler} of a context that offers exactly the
 * chosen protocol; the buffered ClientHello goes on to it. When the client offers protocols but none
 * we support, it answers with a plaintext {@code no_application_protocol} alert, as an engine would
 * before its ServerHello, and fails the handshake.
 *
 * <p>A ClientHello without ALPN (or one this parser cannot read, which the engine then refuses
 * itself) goes to the {@code "libp2p"} context, where nothing is negotiated: the muxer is then
 * agreed with multistream-select, as with a peer that predates early negotiation.
 */
final class ClientHelloMuxerSelector extends SslClientHelloHandler<String> {
  /** A TLS 1.3 plaintext alert record: fatal (2), no_application_protocol (120). */
  private static final byte[] NO_APPLICATION_PROTOCOL_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x78};

  private final List<String> muxers;
  private final Function<String, SslHandler> handlerFor;
  private List<String> offered = List.of();
  private boolean refused;

  /**
   * @param muxers the host's muxers, in its order
   * @param maxClientHelloBytes the largest ClientHello accepted
   * @param handlerFor the TLS server for a chosen ALPN protocol (a muxer or {@code "libp2p"})
   */
  ClientHelloMuxerSelector(
      List<String> muxers, int maxClientHelloBytes, Function<String, SslHandler> handlerFor) {
    super(maxClientHelloBytes);
    this.muxers = muxers;
    this.handlerFor = handlerFor;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes()); // the connection is closing; nothing more to read
      return;
    }
    super.decode(ctx, in, out);
  }

  @Override
  protected Future<String> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
    String choice = MuxerAlpn.LIBP2P;
    if (clientHello != null) {
      try {
        offered = ClientHelloAlpn.offered(clientHello);
      } catch (IllegalArgumentException e) {
        offered = List.of();
      }
      if (!offered.isEmpty()) {
        choice = MuxerAlpn.select(offered, muxers);
      }
    }
    // Null: an offer without anything we speak.
    return ctx.executor().newSucceededFuture(choice);
  }

  @Override
  protected void onLookupComplete(ChannelHandlerContext ctx, Future<String> future) {
    String choice = future.getNow();
    if (choice == null) {
      refused = true;
      ctx.writeAndFlush(Unpooled.wrappedBuffer(NO_APPLICATION_PROTOCOL_ALERT));
      ctx.fireExceptionCaught(new HandshakeException(
          "TLS handshake failed: no common ALPN protocol (the client offered " + offered + ")"));
      return;
    }
    ctx.pipeline().replace(this, ctx.name(), handlerFor.apply(choice));
  }
}
