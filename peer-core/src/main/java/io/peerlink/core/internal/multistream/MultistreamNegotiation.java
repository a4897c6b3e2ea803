package io.peerlink.core.internal.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multistream-select negotiation that owns its channel until it hands the channel over to the
 * agreed protocol. It holds what both sides share: start on activation, the whole-negotiation
 * deadline, the single failure path, and the hand-over.
 *
 * <p>Hand-over: on success the negotiation replaces itself in the pipeline with the protocol's
 * handler (or just removes itself), completes the result future, and only then passes every byte
 * it had read past the last negotiation message on as one {@link ByteBuf} {@code channelRead},
 * followed by {@code channelReadComplete}. {@link ByteToMessageDecoder} defers its removal until
 * the current decode returns, which is what keeps that order. Nothing read is ever dropped.
 *
 * <p>Failure closes the channel and completes the future exceptionally with a
 * {@link PeerException}; the exception is not passed down the pipeline.
 */
abstract class MultistreamNegotiation extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(MultistreamNegotiation.class);

  private boolean headerSeen;

  private final CompletableFuture<String> result;
  private final Duration timeout;
  private ScheduledFuture<?> timeoutTask;
  private boolean started;
  private boolean done;
  private boolean failed;

  MultistreamNegotiation(CompletableFuture<String> result, Duration timeout) {
    this.result = Objects.requireNonNull(result, "result");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  /**
   * Completes, on the channel's event loop, with the agreed protocol ID, or exceptionally with a
   * {@link PeerException}. Dependent actions registered before completion run before any bytes
   * past the negotiation are passed on.
   */
  public final CompletableFuture<String> result() {
    return result;
  }

  /** Writes this side's first messages; called once, when the channel is active. */
  abstract void onStart(ChannelHandlerContext ctx);

  /** Handles one received message; calls {@link #succeed} or throws to fail. */
  abstract void onMessage(ChannelHandlerContext ctx, String message) throws PeerException;

  /** What this side is doing, for log lines and error messages. */
  abstract String describe();

  /**
   * Takes the remote's multistream header, which both sides send first.
   *
   * @return true if {@code message} was the header (the caller has nothing more to do with it),
   *     false once the header has been seen
   * @throws ProtocolViolationException if the first message is not the header
   */
  final boolean consumeHeader(String message) throws ProtocolViolationException {
    if (headerSeen) {
      return false;
    }
    if (!MultistreamMessages.HEADER.equals(message)) {
      throw new ProtocolViolationException("expected multistream header, got '" + message + "'");
    }
    headerSeen = true;
    return true;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeoutTask = ctx.executor().schedule(
        () -> fail(ctx, new PeerTimeoutException(
            "multistream-select did not finish within " + timeout + " (" + describe() + ")")),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start(ctx);
    super.channelActive(ctx);
  }

  private void start(ChannelHandlerContext ctx) {
    if (!started && !done) {
      started = true;
      onStart(ctx);
    }
  }

  @Override
  protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      String message;
      while (!done && (message = MultistreamMessages.tryRead(in)) != null) {
        onMessage(ctx, message);
      }
    } catch (PeerException e) {
      fail(ctx, e);
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  @Override
  protected final void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    // Whole messages were already decoded; the input ended before negotiation finished.
    fail(ctx, new PeerException(PeerError.IO,
        "channel input closed during multistream-select (" + describe() + ")"));
    in.skipBytes(in.readableBytes());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (done) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    Throwable unwrapped =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    fail(ctx, PeerException.wrap(unwrapped, PeerError.IO));
  }

  @Override
  protected final void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelTimeout();
  }

  /** Writes and flushes {@code messages}; a failed write fails the negotiation. */
  final void write(ChannelHandlerContext ctx, ByteBuf messages) {
    ctx.writeAndFlush(messages).addListener(f -> {
      if (!f.isSuccess()) {
        fail(ctx, PeerException.wrap(f.cause(), PeerError.IO));
      }
    });
  }

  /**
   * Ends the negotiation with {@code protocol}: puts {@code handler} (may be null) where this
   * negotiation was, completes the future, and lets the decoder forward the leftover bytes.
   * Must be called from {@link #onMessage}.
   */
  final void succeed(ChannelHandlerContext ctx, String protocol, ChannelHandler handler) {
    done = true;
    cancelTimeout();
    if (handler != null) {
      // Added after us, then we go: not replace(). The leftover bytes are forwarded from our
      // context once we are removed, to whatever follows it then, so a handler that puts its own
      // codec in front of itself when added (yamux's frame decoder) gets them through that codec.
      // replace() would point our context past the codec, straight at the handler.
      ctx.pipeline().addAfter(ctx.name(), null, handler);
    }
    ctx.pipeline().remove(this);
    log.debug("{}: multistream-select agreed on {}", ctx.channel(), protocol);
    result.complete(protocol);
  }

  /** The one failure path: completes the future with {@code cause} and closes the channel. */
  final void fail(ChannelHandlerContext ctx, PeerException cause) {
    if (done) {
      return;
    }
    done = true;
    failed = true;
    cancelTimeout();
    ByteBuf unread = internalBuffer();
    unread.skipBytes(unread.readableBytes());
    log.debug("{}: multistream-select failed ({}): {}", ctx.channel(), describe(), cause.getMessage());
    result.completeExceptionally(cause);
    ctx.close();
  }

  private void cancelTimeout() {
    if (timeoutTask != null) {
      timeoutTask.cancel(false);
      timeoutTask = null;
    }
  }
}
