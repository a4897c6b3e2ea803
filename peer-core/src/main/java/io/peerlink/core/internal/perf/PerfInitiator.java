package io.peerlink.core.internal.perf;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.perf.PerfConfig;
import io.peerlink.core.perf.PerfResult;
import io.peerlink.core.perf.PerfRun;
import io.peerlink.core.spi.StreamChannels;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The client side of {@code /perf/1.0.0}: writes the 8-byte big-endian download count, uploads
 * slices of one block while the stream is writable, half-closes, then counts the answer until the
 * server's end of stream; exactly the count asked for must arrive.
 *
 * <p>Installed on the stream by {@link io.peerlink.core.perf.Perf#start}. The counters are written
 * on the event loop and read from anywhere (volatile, one writer).
 */
public final class PerfInitiator extends ChannelInboundHandlerAdapter implements PerfRun {
  private final long uploadBytes;
  private final long downloadBytes;
  private final PerfConfig config;
  private final long startNanos = System.nanoTime();
  private final CompletableFuture<PerfResult> result = new CompletableFuture<>();
  private volatile long uploaded;
  private volatile long downloaded;
  private volatile Channel channel;
  private long answerNanos;
  private BlockWriter writer;
  private IdleDeadline idle;
  private boolean started;
  private boolean halfClosed;

  /** A run that uploads {@code uploadBytes} and asks for {@code downloadBytes}. */
  public PerfInitiator(long uploadBytes, long downloadBytes, PerfConfig config) {
    this.uploadBytes = uploadBytes;
    this.downloadBytes = downloadBytes;
    this.config = config;
    // Cancelling the result aborts the stream, from whatever thread cancelled.
    result.whenComplete((r, err) -> {
      Channel ch = channel;
      if (err instanceof CancellationException && ch != null) {
        ch.eventLoop().execute(() -> abort(ch));
      }
    });
  }

  @Override
  public long uploadedBytes() {
    return uploaded;
  }

  @Override
  public long downloadedBytes() {
    return downloaded;
  }

  @Override
  public CompletableFuture<PerfResult> result() {
    return result;
  }

  /** The stream could not be opened (negotiation failed, connection gone). */
  public void streamFailed(Throwable cause) {
    result.completeExceptionally(PeerException.wrap(unwrap(cause), PeerError.IO));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    if (result.isDone()) {
      // Cancelled before the stream opened.
      abort(ctx.channel());
      return;
    }
    // The server answers after our FIN; the stream must stay readable past it.
    ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    idle = IdleDeadline.start(ctx, config.idleTimeout(), () -> fail(ctx, new PeerTimeoutException(
        "perf: no progress for " + config.idleTimeout() + " (" + describe() + ")")));
    if (ctx.channel().isActive()) {
      begin(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    begin(ctx);
    ctx.fireChannelActive();
  }

  private void begin(ChannelHandlerContext ctx) {
    if (started || result.isDone()) {
      return;
    }
    started = true;
    ByteBuf header = ctx.alloc().buffer(PerfResponder.HEADER_BYTES).writeLong(downloadBytes);
    ctx.write(header, ctx.voidPromise());
    writer = new BlockWriter(ctx, config.blockSize(), uploadBytes);
    pump(ctx);
  }

  private void pump(ChannelHandlerContext ctx) {
    idle.touch();
    boolean done = writer.pump(ctx);
    uploaded = writer.written();
    if (done && !halfClosed) {
      halfClosed = true;
      ctx.flush();
      writer.release();
      StreamChannels.shutdownOutput(ctx.channel()); // after the upload's last bytes, on QUIC too
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (started && !halfClosed && !result.isDone() && ctx.channel().isWritable()) {
      pump(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (result.isDone() || !(msg instanceof ByteBuf buf)) {
        return;
      }
      idle.touch();
      if (answerNanos == 0) {
        answerNanos = System.nanoTime();
      }
      long total = downloaded + buf.readableBytes();
      if (!halfClosed && buf.isReadable()) {
        fail(ctx, new ProtocolViolationException("perf: the server answered before the upload ended"));
        return;
      }
      if (total > downloadBytes) {
        fail(ctx, new ProtocolViolationException(
            "perf: the server sent " + total + " bytes, more than the " + downloadBytes + " asked for"));
        return;
      }
      downloaded = total;
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (result.isDone()) {
        return;
      }
      long now = System.nanoTime();
      if (answerNanos == 0) {
        answerNanos = now;
      }
      if (downloaded != downloadBytes) {
        fail(ctx, new ProtocolViolationException(
            "perf: the server ended the stream after " + downloaded + " of " + downloadBytes + " bytes"));
        return;
      }
      if (!halfClosed) {
        fail(ctx, new ProtocolViolationException("perf: the server ended the stream before the upload ended"));
        return;
      }
      cleanUp();
      result.complete(new PerfResult(uploaded, downloaded,
          Duration.ofNanos(answerNanos - startNanos), Duration.ofNanos(now - answerNanos)));
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cleanUp();
    result.completeExceptionally(new PeerException(PeerError.IO, "perf: stream closed (" + describe() + ")"));
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cleanUp();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, PeerException.wrap(cause, PeerError.IO));
  }

  private void fail(ChannelHandlerContext ctx, PeerException cause) {
    cleanUp();
    if (result.completeExceptionally(cause)) {
      abort(ctx.channel());
    }
  }

  private void abort(Channel ch) {
    cleanUp();
    StreamChannels.reset(ch);
  }

  private void cleanUp() {
    if (idle != null) {
      idle.stop();
    }
    if (writer != null) {
      writer.release();
    }
  }

  private String describe() {
    return uploaded + " of " + uploadBytes + " bytes uploaded, " + downloaded + " of " + downloadBytes + " downloaded";
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
