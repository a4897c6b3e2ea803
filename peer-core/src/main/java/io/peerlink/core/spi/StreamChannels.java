package io.peerlink.core.spi;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.peerlink.core.internal.muxer.MuxedStream;

/** Operations on the channel of a {@link io.peerlink.core.Stream} that Netty's {@link Channel} lacks. */
public final class StreamChannels {
  private StreamChannels() {}

  /**
   * Resets {@code channel} if it is a stream (the remote sees a reset, not a clean end, and pending
   * writes fail), or closes any other channel.
   *
   * @param channel a stream's channel (or any channel)
   */
  public static void reset(Channel channel) {
    if (channel instanceof MuxedStream stream) {
      stream.reset();
    } else if (channel instanceof QuicStreamChannel stream) {
      // QUIC's reset: RESET_STREAM and STOP_SENDING with code 0, as go-libp2p resets a QUIC stream.
      stream.shutdown(0).addListener(f -> stream.close());
    } else {
      channel.close();
    }
  }

  /**
   * Half-closes {@code channel}'s output after every write made before it: the remote reads all
   * of them, then the end of its input. On a yamux or mplex stream this is
   * {@link DuplexChannel#shutdownOutput()}. On a QUIC stream it is a FIN written through the
   * pipeline, because Netty's {@code QuicStreamChannel.shutdownOutput()} sends the FIN at once,
   * ahead of writes still waiting for the remote's stream window, which then fail: a stream that
   * writes more than the window and half-closes right away would lose its tail. Any other channel
   * is closed.
   *
   * @param channel a stream's channel (or any channel)
   * @return the future of the half-close (or the close)
   */
  public static ChannelFuture shutdownOutput(Channel channel) {
    if (channel instanceof QuicStreamChannel quic) {
      return quic.writeAndFlush(new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true));
    }
    if (channel instanceof DuplexChannel duplex) {
      return duplex.shutdownOutput();
    }
    return channel.close();
  }
}
