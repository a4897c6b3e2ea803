package io.peerlink.core.internal.muxer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import io.peerlink.core.internal.resource.StreamScope;

/** A stream's channel, whichever muxer carries it: what the host needs beyond Netty's {@link Channel}. */
public interface MuxedStream extends Channel {
  /**
   * Where a stream that is not a {@code MuxedStream} (a QUIC stream, Netty's own channel) carries
   * its resource scope.
   */
  AttributeKey<StreamScope> SCOPE = AttributeKey.valueOf("peerlink.streamScope");

  /** Resets the stream: the remote sees a reset, not a clean end; pending writes fail. */
  ChannelFuture reset();

  /** {@return the resource scope this stream's memory is charged to} */
  StreamScope resourceScope();

  /** {@return the resource scope of {@code stream}, of any muxer, or null if it has none} */
  static StreamScope scopeOf(Channel stream) {
    return stream instanceof MuxedStream m ? m.resourceScope() : stream.attr(SCOPE).get();
  }
}
