package io.peerlink.core.spi;

import io.netty.channel.Channel;
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
}
