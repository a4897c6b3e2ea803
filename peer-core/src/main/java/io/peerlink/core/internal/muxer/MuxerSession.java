package io.peerlink.core.internal.muxer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * One connection's stream multiplexer as the host sees it, whichever muxer was agreed (yamux or
 * mplex): a handler on the connection's pipeline that opens streams as child channels, counts
 * them, and ends the session politely.
 */
public interface MuxerSession extends ChannelHandler {
  /**
   * Opens a stream; {@code initializer} (may be null) goes on its pipeline before it is registered.
   *
   * @param initializer the stream's first handler, or null
   * @return completes with the stream's channel, or fails
   */
  Future<Channel> openStream(ChannelHandler initializer);

  /** {@return the streams open now} */
  int streamCount();

  /** {@return whether {@link #ping()} measures a round trip (yamux does; mplex has no ping)} */
  boolean supportsPing();

  /**
   * Sends a muxer-level ping.
   *
   * @return completes with the round trip in nanoseconds
   * @throws UnsupportedOperationException unless {@link #supportsPing()}
   */
  Future<Long> ping();

  /** Tells the remote no more streams will be opened, where the muxer can say so; else nothing. */
  void goAway();

  /** Sets who hears of each round trip the muxer measures (keep-alives, pings); null removes it. */
  void onRoundTrip(LongConsumer observer);
}
