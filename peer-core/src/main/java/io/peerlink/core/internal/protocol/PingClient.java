package io.peerlink.core.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dialing side of {@code /ipfs/ping/1.0.0}, installed on a stream once the protocol is agreed.
 * Each {@link #ping()} writes 32 random bytes and completes with the round-trip time when the same
 * 32 bytes come back. Pings on one stream run one after another; the libp2p spec allows at most
 * one outbound ping stream per peer.
 *
 * <p>A reply that differs from what was sent, or bytes that arrive when no ping is outstanding,
 * fail the ping with a {@link ProtocolViolationException} and close the stream. A reply slower than
 * the timeout fails with a {@link PeerTimeoutException} and closes the stream. When done, close the
 * stream (or shut down its output) so the listener stops.
 */
public final class PingClient extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(PingClient.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Duration timeout;
  private volatile ChannelHandlerContext ctx;
  private CompletableFuture<Duration> pending;
  private byte[] expected;
  private long sentAtNanos;
  private ScheduledFuture<?> timeoutTask;

  /** Creates a client whose pings fail if the reply takes longer than {@code timeout}. */
  public PingClient(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Sends one ping. May be called from any thread once this handler is in a pipeline; completes
   * on the event loop with the round-trip time, or exceptionally with a {@link PeerException}, or
   * with an {@link IllegalStateException} if a ping is still outstanding.
   */
  public CompletableFuture<Duration> ping() {
    CompletableFuture<Duration> result = new CompletableFuture<>();
    ChannelHandlerContext c = ctx;
    if (c == null) {
      result.completeExceptionally(new IllegalStateException("PingClient is not in a pipeline"));
    } else if (c.executor().inEventLoop()) {
      send(c, result);
    } else {
      c.executor().execute(() -> send(c, result));
    }
    return result;
  }

  private void send(ChannelHandlerContext ctx, CompletableFuture<Duration> result) {
    if (pending != null) {
      result.completeExceptionally(new IllegalStateException("a ping is already outstanding"));
      return;
    }
    if (!ctx.channel().isActive()) {
      result.completeExceptionally(new PeerException(PeerError.IO, "ping stream is closed"));
      return;
    }
    byte[] payload = new byte[PingHandler.PAYLOAD_BYTES];
    RANDOM.nextBytes(payload);
    expected = payload;
    pending = result;
    timeoutTask = ctx.executor().schedule(
        () -> fail(ctx, new PeerTimeoutException("no ping reply within " + timeout)),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
    sentAtNanos = System.nanoTime();
    ctx.writeAndFlush(Unpooled.wrappedBuffer(payload.clone())).addListener(f -> {
      if (!f.isSuccess()) {
        fail(ctx, PeerException.wrap(f.cause(), PeerError.IO));
      }
    });
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.readableBytes() >= PingHandler.PAYLOAD_BYTES) {
      if (pending == null) {
        fail(ctx, new ProtocolViolationException("ping bytes received with no ping outstanding"));
        break;
      }
      ByteBuf reply = in.readSlice(PingHandler.PAYLOAD_BYTES);
      if (!matches(reply, expected)) {
        fail(ctx, new ProtocolViolationException("ping reply does not match the payload sent"));
        break;
      }
      Duration rtt = Duration.ofNanos(System.nanoTime() - sentAtNanos);
      CompletableFuture<Duration> done = pending;
      clear();
      done.complete(rtt);
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    in.skipBytes(in.readableBytes());
    if (pending != null) {
      fail(ctx, new PeerException(PeerError.IO, "ping stream closed before the reply"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable unwrapped =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    fail(ctx, PeerException.wrap(unwrapped, PeerError.IO));
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (pending != null) {
      fail(ctx, new PeerException(PeerError.IO, "ping client removed before the reply"));
    }
  }

  /** The one failure path: fails the outstanding ping, if any, and closes the stream. */
  private void fail(ChannelHandlerContext ctx, PeerException cause) {
    CompletableFuture<Duration> failed = pending;
    clear();
    ByteBuf unread = internalBuffer();
    unread.skipBytes(unread.readableBytes());
    log.debug("{}: ping failed, closing: {}", ctx.channel(), cause.getMessage());
    if (failed != null) {
      failed.completeExceptionally(cause);
    }
    ctx.close();
  }

  private void clear() {
    pending = null;
    expected = null;
    if (timeoutTask != null) {
      timeoutTask.cancel(false);
      timeoutTask = null;
    }
  }

  private static boolean matches(ByteBuf reply, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (reply.getByte(reply.readerIndex() + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }
}
