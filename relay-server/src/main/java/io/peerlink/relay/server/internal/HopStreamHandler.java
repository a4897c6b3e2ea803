package io.peerlink.relay.server.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.relay.internal.circuit.CircuitMessageException;
import io.peerlink.relay.internal.circuit.CircuitMessageReader;
import io.peerlink.relay.internal.circuit.HeldBytes;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The relay's side of one hop stream: waits (bounded by the stream timeout) for the one request a
 * hop stream carries, then hands it to {@link HopRequests}. Sits after a
 * hop reader ({@link CircuitMessageReader#addHopReader}); anything after the request is released (RESERVE) or
 * held for the circuit (CONNECT, where this handler is replaced by {@link HeldBytes}).
 */
public final class HopStreamHandler extends ChannelInboundHandlerAdapter {

  /** What the server does with a request; implemented by the relay server. */
  public interface HopRequests {
    void onReserve(ChannelHandlerContext ctx);

    void onConnect(ChannelHandlerContext ctx, HopMessage request);

    /** Answer {@code status} and close: malformed or unexpected requests. */
    void onBadRequest(ChannelHandlerContext ctx, RelayStatus status);

    /** No request arrived within the stream timeout. */
    void onTimeout(ChannelHandlerContext ctx);
  }

  private final HopRequests requests;
  private final Duration timeout;
  private ScheduledFuture<?> timer;
  private boolean answered;

  public HopStreamHandler(HopRequests requests, Duration timeout) {
    this.requests = requests;
    this.timeout = timeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(() -> {
      if (!answered) {
        answered = true;
        requests.onTimeout(ctx);
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimer();
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HopMessage request) || answered) {
      ReferenceCountUtil.release(msg);
      return;
    }
    answered = true;
    cancelTimer();
    switch (request.getType()) {
      case RESERVE -> requests.onReserve(ctx);
      case CONNECT -> requests.onConnect(ctx, request);
      case STATUS -> requests.onBadRequest(ctx, RelayStatus.UNEXPECTED_MESSAGE);
      default -> requests.onBadRequest(ctx, RelayStatus.MALFORMED_MESSAGE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (answered) {
      ctx.close();
      return;
    }
    answered = true;
    cancelTimer();
    if (cause instanceof CircuitMessageException e) {
      requests.onBadRequest(ctx, e.status());
    } else {
      ctx.close();
    }
  }
}
