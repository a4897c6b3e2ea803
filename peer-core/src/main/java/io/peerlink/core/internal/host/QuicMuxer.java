package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.internal.muxer.MuxedStream;
import io.peerlink.core.internal.muxer.MuxerSession;
import io.peerlink.core.internal.resource.ConnectionScope;
import io.peerlink.core.internal.resource.StreamScope;
import io.peerlink.core.spi.StreamChannels;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * A QUIC connection's streams: each libp2p stream is one bidirectional QUIC stream (no yamux).
 * QUIC bounds the streams itself: the remote's limit (its {@code initial_max_streams_bidi}, raised
 * as streams close) decides how many we may have open, and an open beyond it waits, in order,
 * until the remote allows another or {@code waitLimit} passes, as go's {@code OpenStreamSync}
 * waits. QUIC measures the round trip from its acknowledgements, so {@link #ping()} reads that
 * estimate instead of sending anything.
 *
 * <p>Each stream is charged to the resource manager as a yamux stream is: one inbound or outbound
 * stream to its connection, peer and the host (an inbound one also negotiating until its protocol
 * is agreed, then one stream of that protocol), and its receive window ({@code QuicConfig.streamWindow},
 * what the remote may make us buffer on it) as memory to every scope while it is open. A stream over
 * a limit is refused: an inbound one is reset, an outbound open fails with a
 * {@link LimitExceededException}.
 */
final class QuicMuxer extends ChannelHandlerAdapter implements MuxerSession {
  private final QuicChannel connection;
  private final Duration waitLimit;
  private final TrafficCounter traffic;
  private final ConnectionScope resources;
  private final long streamWindow;
  private final AtomicInteger open = new AtomicInteger();
  private final ArrayDeque<WaitingOpen> waiting = new ArrayDeque<>(); // event loop only
  private volatile LongConsumer roundTrips;

  /**
   * {@code waitLimit}: how long an open may wait for the remote to allow one more stream;
   * {@code traffic} counts every stream's bytes for the connection's stats; {@code resources} is
   * the connection's scope, and each stream holds {@code streamWindow} bytes of it while open.
   */
  QuicMuxer(QuicChannel connection, Duration waitLimit, TrafficCounter traffic, ConnectionScope resources,
      long streamWindow) {
    this.connection = connection;
    this.waitLimit = waitLimit;
    this.traffic = traffic;
    this.resources = resources;
    this.streamWindow = streamWindow;
    connection.closeFuture().addListener(f -> failWaiting());
  }

  /**
   * The initializer of every stream the remote opens: charges it to the resource scopes (resetting
   * it if one is full), counts it while open, then runs {@code initializer}.
   */
  ChannelHandler inbound(ChannelHandler initializer) {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        StreamScope scope = resources.openInbound(); // a refusal is reported there
        if (scope == null) {
          StreamChannels.reset(stream);
          return;
        }
        try {
          scope.reserveWindow(streamWindow);
        } catch (LimitExceededException e) {
          scope.done();
          StreamChannels.reset(stream);
          return;
        }
        charge(stream, new Charge(scope));
        counted(stream, initializer);
      }
    };
  }

  /** Counts {@code stream} while it is open, and its bytes with the connection's. */
  private void counted(Channel stream, ChannelHandler initializer) {
    open.incrementAndGet();
    stream.closeFuture().addListener(f -> open.decrementAndGet());
    stream.pipeline().addLast(TrafficCounter.NAME, traffic);
    stream.pipeline().addLast(RESET_CLOSES);
    stream.pipeline().addLast(initializer);
  }

  /** Hangs {@code charge} on {@code stream}, given back when the stream closes. */
  private static void charge(Channel stream, Charge charge) {
    stream.attr(MuxedStream.SCOPE).set(charge.scope);
    stream.closeFuture().addListener(f -> charge.release());
  }

  @Override
  public Future<Channel> openStream(ChannelHandler initializer) {
    Promise<Channel> promise = connection.eventLoop().newPromise();
    if (connection.eventLoop().inEventLoop()) {
      open(initializer, promise);
    } else {
      connection.eventLoop().execute(() -> open(initializer, promise));
    }
    return promise;
  }

  private void open(ChannelHandler initializer, Promise<Channel> promise) {
    if (!connection.isActive()) {
      promise.tryFailure(new PeerException(PeerError.IO, "the QUIC connection is closed"));
      return;
    }
    if (waiting.isEmpty() && connection.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
      create(initializer, promise);
      return;
    }
    WaitingOpen w = new WaitingOpen(initializer, promise);
    w.timeout = connection.eventLoop().schedule(() -> {
      if (waiting.remove(w)) {
        promise.tryFailure(new PeerTimeoutException("no QUIC stream became free within " + waitLimit
            + ": the remote allows no more streams at once (its initial_max_streams_bidi)"));
      }
    }, waitLimit.toNanos(), TimeUnit.NANOSECONDS);
    waiting.add(w);
  }

  private void create(ChannelHandler initializer, Promise<Channel> promise) {
    Charge charge;
    try {
      StreamScope scope = resources.openOutbound();
      try {
        scope.reserveWindow(streamWindow);
      } catch (LimitExceededException e) {
        scope.done();
        throw e;
      }
      charge = new Charge(scope);
    } catch (LimitExceededException e) {
      promise.tryFailure(e);
      return;
    }
    connection.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        charge(stream, charge);
        counted(stream, initializer);
      }
    }).addListener(f -> {
      if (f.isSuccess()) {
        promise.trySuccess((Channel) f.getNow());
      } else {
        charge.release();
        promise.tryFailure(f.cause());
      }
    });
  }

  /** The remote allowed more streams: opens what waited, in order, as far as it allows. Event loop. */
  void streamLimitChanged() {
    while (!waiting.isEmpty() && connection.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
      WaitingOpen w = waiting.poll();
      w.timeout.cancel(false);
      create(w.initializer, w.promise);
    }
  }

  private void failWaiting() {
    WaitingOpen w;
    while ((w = waiting.poll()) != null) {
      w.timeout.cancel(false);
      w.promise.tryFailure(new PeerException(PeerError.IO, "the QUIC connection closed"));
    }
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

  /**
   * A remote's reset (RESET_STREAM) reaches a QUIC stream as an exception and leaves the channel
   * open; a yamux stream closes on a reset, so this closes the QUIC stream too, after the handlers
   * saw the exception: a reset stream is gone either way.
   */
  private static final ChannelHandler RESET_CLOSES = new ResetCloses();

  @ChannelHandler.Sharable
  private static final class ResetCloses extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.fireExceptionCaught(cause);
      if (cause instanceof QuicStreamResetException) {
        ctx.close();
      }
    }
  }

  /** What one stream holds of the resource scopes: its window and the stream itself, given back once. */
  private final class Charge {
    final StreamScope scope;
    private boolean released; // event loop only

    Charge(StreamScope scope) {
      this.scope = scope;
    }

    void release() {
      if (!released) {
        released = true;
        scope.releaseMemory(streamWindow);
        scope.done();
      }
    }
  }

  /** An open waiting for the remote to allow one more stream. */
  private static final class WaitingOpen {
    final ChannelHandler initializer;
    final Promise<Channel> promise;
    ScheduledFuture<?> timeout;

    WaitingOpen(ChannelHandler initializer, Promise<Channel> promise) {
      this.initializer = initializer;
      this.promise = promise;
    }
  }
}
