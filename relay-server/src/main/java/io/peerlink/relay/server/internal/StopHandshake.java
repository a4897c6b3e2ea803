package io.peerlink.relay.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.relay.internal.circuit.CircuitLimit;
import io.peerlink.relay.internal.circuit.CircuitMessageReader;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.circuit.HeldBytes;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The relay's side of the stop protocol: opens a stop stream to the target on its existing
 * connection (never dialing), sends {@code StopMessage{CONNECT, peer=source, limit}}, and waits for
 * STATUS OK. The result is the stop stream, reading paused, with any bytes the target sent after
 * its STATUS held in a {@link HeldBytes} handler for the splice.
 *
 * <p>Fails with a {@link PeerException} when the stream cannot be opened within the connect
 * timeout ({@code stage "stop-open"}), or the target answers anything but STATUS OK, or nothing
 * within the handshake timeout ({@code "stop-handshake"}); the stop stream is then reset.
 */
public final class StopHandshake {

  /** Why the handshake failed, for metrics. */
  public static final class Failure extends PeerException {
    private static final long serialVersionUID = 1L;
    private final String stage;

    Failure(String stage, PeerError kind, String message, Throwable cause) {
      super(kind, message, cause);
      this.stage = stage;
    }

    public String stage() {
      return stage;
    }
  }

  private StopHandshake() {}

  /**
   * Runs the handshake. {@code maxPending} bounds bytes held after the STATUS. The future completes
   * on the target connection's event loop.
   */
  public static CompletableFuture<Channel> run(Peer target, PeerId source, CircuitLimit limit,
      Duration connectTimeout, Duration handshakeTimeout, int maxMessageSize, int maxPending) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    target.newStream(CircuitMessages.STOP_PROTOCOL, stream -> {
      Channel ch = stream.channel();
      if (result.isDone()) {
        StreamChannels.reset(ch); // opened after the connect timeout gave up on it
        return;
      }
      ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      CircuitMessageReader.addStopReader(ch.pipeline(), maxMessageSize);
      ch.pipeline().addLast("stop-reply", new ReplyHandler(result, handshakeTimeout, maxPending));
      ch.writeAndFlush(CircuitMessages.encode(ch.alloc(), CircuitMessages.stopConnect(source, limit)))
          .addListener(f -> {
            if (!f.isSuccess()) {
              fail(result, ch, "stop-handshake", "writing the stop CONNECT failed", f.cause());
            }
          });
    }).orTimeout(connectTimeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((stream, err) -> {
      if (err != null) {
        Throwable cause = err instanceof CompletionException ? err.getCause() : err;
        PeerError kind = cause instanceof TimeoutException ? PeerError.TIMEOUT : PeerError.CONNECT;
        result.completeExceptionally(new Failure("stop-open", kind,
            "could not open a stop stream to " + target.peerId() + ": " + cause, cause));
        if (stream != null) {
          StreamChannels.reset(stream.channel());
        }
      }
    });
    return result;
  }

  private static void fail(CompletableFuture<Channel> result, Channel ch, String stage, String message, Throwable cause) {
    if (result.completeExceptionally(new Failure(stage,
        cause instanceof TimeoutException ? PeerError.TIMEOUT : PeerError.PROTOCOL, message, cause))) {
      StreamChannels.reset(ch);
    }
  }

  /** Waits for the target's STATUS, bounded by the handshake timeout. */
  private static final class ReplyHandler extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Channel> result;
    private final Duration timeout;
    private final int maxPending;
    private ScheduledFuture<?> timer;

    ReplyHandler(CompletableFuture<Channel> result, Duration timeout, int maxPending) {
      this.result = result;
      this.timeout = timeout;
      this.maxPending = maxPending;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      timer = ctx.executor().schedule(
          () -> fail(result, ctx.channel(), "stop-handshake", "target did not answer within " + timeout,
              new TimeoutException("stop handshake")),
          timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      timer.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof StopMessage reply)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      timer.cancel(false);
      if (reply.getType() != StopMessage.Type.STATUS) {
        fail(result, ctx.channel(), "stop-handshake", "target answered " + reply.getType() + ", not STATUS", null);
        return;
      }
      RelayStatus status = CircuitMessages.fromProto(reply.getStatus());
      if (status != RelayStatus.OK) {
        fail(result, ctx.channel(), "stop-handshake", "target refused the circuit: " + reply.getStatus(), null);
        return;
      }
      Channel ch = ctx.channel();
      ch.config().setAutoRead(false);
      // Bytes after the STATUS (the decoder passes them on after this message) wait for the splice.
      ctx.pipeline().replace(this, HeldBytes.NAME, new HeldBytes(maxPending,
          () -> result.completeExceptionally(new Failure("stop-handshake", PeerError.IO, "stop stream closed", null))));
      // Complete after the decoder has handed over the trailing bytes of this read.
      ch.eventLoop().execute(() -> result.complete(ch));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(result, ctx.channel(), "stop-handshake", "bad stop answer: " + cause.getMessage(), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(result, ctx.channel(), "stop-handshake", "target closed the stop stream", null);
      ctx.fireChannelInactive();
    }
  }
}
