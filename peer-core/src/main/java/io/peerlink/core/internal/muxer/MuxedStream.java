package io.peerlink.core.internal.muxer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.peerlink.core.internal.resource.StreamScope;

/** A stream's channel, whichever muxer carries it: what the host needs beyond Netty's {@link Channel}. */
public interface MuxedStream extends Channel {
  /** Resets the stream: the remote sees a reset, not a clean end; pending writes fail. */
  ChannelFuture reset();

  /** {@return the resource scope this stream's memory is charged to} */
  StreamScope resourceScope();
}
