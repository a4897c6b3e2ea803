package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.peerlink.core.internal.muxer.MuxerSession;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * A QUIC connection's streams: each libp2p stream is one bidirectional QUIC stream (no yamux).
 * QUIC bounds the streams itself ({@code QuicConfig.maxStreams}, sent as the initial stream limit)
 * and measures the round trip from its acknowledgements, so {@link #ping()} reads that estimate
 * instead of sending anything.
 */
final class QuicMuxer extends ChannelHandlerAdapter implements MuxerSession {
  private final QuicChannel connection;
  private final AtomicInteger open = new AtomicInteger();
  private volatile LongConsumer roundTrips;

  QuicMuxer(QuicChannel connection) {
    this.connection = connection;
  }

  /** Wraps a stream's initializer so the stream is counted while it is open; for both directions. */
  ChannelHandler counted(ChannelHandler initializer) {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        count(stream);
        stream.pipeline().addLast(initializer);
      }
    };
  }

  private void count(Channel stream) {
    open.incrementAndGet();
    stream.closeFuture().addListener(f -> open.decrementAndGet());
  }

  @Override
  public Future<Channel> openStream(ChannelHandler initializer) {
    Promise<Channel> promise = connection.eventLoop().newPromise();
    connection.createStream(QuicStreamType.BIDIRECTIONAL, counted(initializer)).addListener(f -> {
      if (f.isSuccess()) {
        promise.setSuccess((Channel) f.getNow());
      } else {
        promise.setFailure(f.cause());
      }
    });
    return promise;
  }

  @Override
  public int streamCount() {
    return open.get();
  }

  @Override
  public boolean supportsPing() {
    return true;
  }

  @Override
  public Future<Long> ping() {
    Promise<Long> promise = connection.eventLoop().newPromise();
    connection.collectPathStats(0).addListener(f -> {
      if (!f.isSuccess()) {
        promise.setFailure(f.cause());
        return;
      }
      long rtt = ((QuicConnectionPathStats) f.getNow()).rtt();
      LongConsumer observer = roundTrips;
      if (observer != null && rtt > 0) {
        observer.accept(rtt);
      }
      promise.setSuccess(rtt);
    });
    return promise;
  }

  @Override
  public void onRoundTrip(LongConsumer observer) {
    this.roundTrips = observer;
  }

  @Override
  public void goAway() {
    // Closing the QUIC connection tells the remote (CONNECTION_CLOSE); there is nothing to send first.
  }
}
