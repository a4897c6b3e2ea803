package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.peerlink.core.PeerStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@link PeerStats} reports for one connection: bytes from the transport's
 * {@link TrafficCounter}, the smoothed round-trip time, the last stream activity and the message
 * counts. Written on the connection's event loop; read from any thread.
 */
final class ConnectionStats {
  /** Weight of a new RTT sample in the moving average; go-libp2p's peerstore uses the same. */
  static final double RTT_SMOOTHING = 0.1;

  private final TrafficCounter traffic;
  private final StreamActivity activity = new StreamActivity();
  private final long openedNanos = System.nanoTime();
  private final long openedMillis = System.currentTimeMillis();
  private volatile long lastActivityNanos = openedNanos;
  private volatile long rttNanos; // moving average; 0 until the first sample
  private volatile long messagesSent;
  private volatile long messagesReceived;

  /** Stats for the connection on {@code channel}; bytes count as 0 if it has no {@link TrafficCounter}. */
  ConnectionStats(Channel channel) {
    this.traffic = channel.pipeline().get(TrafficCounter.class);
  }

  /**
   * Marks stream activity for {@link PeerStats#lastActivity()}: one shared instance sits in every
   * stream's pipeline, so keep-alive pings (connection-level) do not count.
   */
  ChannelHandler activityMarker() {
    return activity;
  }

  /** A stream opened: that counts as activity. */
  void markActivity() {
    lastActivityNanos = System.nanoTime();
  }

  /** Nanotime of the last stream activity. */
  long lastActivityNanos() {
    return lastActivityNanos;
  }

  /** Folds one RTT measurement into the moving average. Event loop. */
  void rttSample(long nanos) {
    long old = rttNanos;
    rttNanos = old == 0 ? nanos : Math.max(1, (long) (old * (1 - RTT_SMOOTHING) + nanos * RTT_SMOOTHING));
  }

  /** The RTT moving average in nanoseconds, 0 until the first sample. */
  long rttNanos() {
    return rttNanos;
  }

  @SuppressWarnings("NonAtomicOperationOnVolatileField") // event loop only
  void messageSent() {
    messagesSent++;
  }

  @SuppressWarnings("NonAtomicOperationOnVolatileField") // event loop only
  void messageReceived() {
    messagesReceived++;
  }

  /** The numbers now, with {@code openStreams} from the muxer. */
  PeerStats snapshot(int openStreams) {
    long rtt = rttNanos;
    long last = lastActivityNanos;
    return new PeerStats(
        traffic != null ? traffic.bytesRead() : 0,
        traffic != null ? traffic.bytesWritten() : 0,
        rtt == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(rtt)),
        Instant.ofEpochMilli(openedMillis + (last - openedNanos) / 1_000_000),
        openStreams,
        messagesSent,
        messagesReceived);
  }

  @ChannelHandler.Sharable
  private final class StreamActivity extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      lastActivityNanos = System.nanoTime();
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise p) {
      lastActivityNanos = System.nanoTime();
      ctx.write(msg, p);
    }
  }
}
