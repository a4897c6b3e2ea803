package io.peerlink.core;

import io.netty.channel.Channel;

/**
 * One multiplexed stream of a {@link Peer} connection, after its protocol was negotiated.
 *
 * <p>The stream is a Netty {@link Channel}: read and write {@code ByteBuf}s through its pipeline.
 * Flow control is end to end: the remote writer is held back by the stream window while this
 * channel is not reading, and {@link Channel#isWritable()} turns false while the remote's window
 * is full.
 *
 * <p>Each direction closes on its own, as in every libp2p implementation. {@code ((DuplexChannel)
 * channel()).shutdownOutput()} half-closes: the remote sees the end of its input and may still
 * write. On a QUIC stream, half-close with {@link io.peerlink.core.spi.StreamChannels#shutdownOutput}
 * (or once your writes completed): Netty's QUIC {@code shutdownOutput()} sends the end ahead of
 * writes still waiting for the remote's window, and they are lost. When the remote half-closes, the pipeline sees {@code ChannelInputShutdownEvent} (the
 * channel allows half-closure) and this side may still write; close the channel when done.
 * {@code channel().close()} closes both directions.
 */
public interface Stream {

  /** {@return the stream's channel; its event loop is the connection's} */
  Channel channel();

  /** {@return the protocol ID both sides agreed on, for example {@code "/echo/1.0.0"}} */
  String protocol();

  /** {@return the connection this stream belongs to} */
  Peer peer();
}
