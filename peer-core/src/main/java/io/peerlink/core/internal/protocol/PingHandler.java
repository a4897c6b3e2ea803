package io.peerlink.core.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening side of {@code /ipfs/ping/1.0.0}: echoes every 32-byte payload as it completes,
 * for as long as the dialer keeps pinging.
 *
 * <p>Bytes are gathered until a whole 32-byte payload is there and echoed as a slice of what was
 * received. When the dialer closes its write side the current echo is finished and the stream
 * closed (a trailing partial payload is dropped). A stream with no complete ping for {@code
 * idleTimeout} is closed, as go-libp2p does after 10 s. Half-closure is only seen when the channel
 * allows it ({@code ChannelOption.ALLOW_HALF_CLOSURE}); otherwise the dialer's close closes us.
 */
public final class PingHandler extends ByteToMessageDecoder {
  /** Size of one ping payload, in bytes. */
  public static final int PAYLOAD_BYTES = 32;

  /** Idle time after which a ping stream is closed by default: 10 seconds, like go-libp2p. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(PingHandler.class);

  private final Duration idleTimeout;
  private ScheduledFuture<?> idleTask;

  /** Creates a handler with {@link #DEFAULT_IDLE_TIMEOUT}. */
  public PingHandler() {
    this(DEFAULT_IDLE_TIMEOUT);
  }

  /** Creates a handler that closes the stream after {@code idleTimeout} without a whole ping. */
  public PingHandler(Duration idleTimeout) {
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    restartIdleTimer(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < PAYLOAD_BYTES) {
      return;
    }
    while (in.readableBytes() >= PAYLOAD_BYTES) {
      ctx.write(in.readRetainedSlice(PAYLOAD_BYTES));
    }
    ctx.flush();
    restartIdleTimer(ctx);
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    // The dialer is done: whole payloads were echoed by decode; drop a partial one and close
    // once the last echo is written.
    in.skipBytes(in.readableBytes());
    cancelIdleTimer();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{}: ping stream failed, closing: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelIdleTimer();
  }

  private void restartIdleTimer(ChannelHandlerContext ctx) {
    cancelIdleTimer();
    idleTask = ctx.executor().schedule(() -> {
      log.debug("{}: ping stream idle for {}, closing", ctx.channel(), idleTimeout);
      ctx.close();
    }, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelIdleTimer() {
    if (idleTask != null) {
      idleTask.cancel(false);
      idleTask = null;
    }
  }
}
