package io.peerlink.core.spi;

import io.netty.channel.Channel;
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
    } else {
      channel.close();
    }
  }
}
