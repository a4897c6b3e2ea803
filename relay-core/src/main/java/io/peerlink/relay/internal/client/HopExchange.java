package io.peerlink.relay.internal.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.relay.internal.circuit.CircuitMessageReader;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.circuit.HeldBytes;
import io.peerlink.relay.internal.proto.CircuitProtos;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of one hop stream: opens it on the connection to the relay, writes one
 * request (RESERVE or CONNECT) and reads the relay's one answer, all within a deadline.
 *
 * <p>For a CONNECT answered OK the stream becomes the circuit: reading is paused and any bytes
 * that arrived with the answer are held by a {@link HeldBytes} handler, since the decoder reads
 * exactly one message and passes the rest on. Any other answer closes the stream.
 */
public final class HopExchange {

  /** The relay's answer; for an OK CONNECT also the circuit's channel and its held bytes. */
  public record Answer(HopMessage message, Channel channel, HeldBytes held) {}

  private HopExchange() {}

  /**
   * Sends {@code request} to {@code relay}. Completes with the answer whatever its status (the
   * caller judges it), or fails with a {@link PeerException}: TIMEOUT, PROTOCOL for a malformed or
   * non-STATUS answer, IO if the relay closed the stream without answering.
   */
  public static CompletableFuture<Answer> run(Peer relay, HopMessage request, Duration timeout) {
    boolean circuit = request.getType() == HopMessage.Type.CONNECT;
    CompletableFuture<Answer> result = new CompletableFuture<>();
    relay.newStream(CircuitMessages.HOP_PROTOCOL, stream -> {
      Channel ch = stream.channel();
      ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      CircuitMessageReader.addHopReader(ch.pipeline());
      ch.pipeline().addLast("hop-answer", new AnswerHandler(result, timeout, circuit));
      ch.writeAndFlush(CircuitMessages.encode(ch.alloc(), request)).addListener(f -> {
        if (!f.isSuccess()) {
          fail(result, ch, PeerException.wrap(f.cause(), PeerError.IO));
        }
      });
    }).whenComplete((s, err) -> {
      if (err != null) {
        result.completeExceptionally(new PeerException(PeerException.wrap(err, PeerError.PROTOCOL).kind(),
            "could not open a hop stream to relay " + relay.peerId() + ": " + err.getMessage(), err));
      }
    });
    return result;
  }

  private static void fail(CompletableFuture<Answer> result, Channel ch, PeerException e) {
    if (result.completeExceptionally(e)) {
      StreamChannels.reset(ch);
    }
  }

  private static final class AnswerHandler extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Answer> result;
    private final Duration timeout;
    private final boolean circuit;
    private ScheduledFuture<?> timer;

    AnswerHandler(CompletableFuture<Answer> result, Duration timeout, boolean circuit) {
      this.result = result;
      this.timeout = timeout;
      this.circuit = circuit;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      timer = ctx.executor().schedule(() -> fail(result, ctx.channel(), new PeerTimeoutException(
          "the relay did not answer within " + timeout.toMillis() + " ms")), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      timer.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof HopMessage answer)) {
        ReferenceCountUtil.release(msg); // bytes after a non-circuit answer
        return;
      }
      timer.cancel(false);
      Channel ch = ctx.channel();
      if (answer.getType() != HopMessage.Type.STATUS) {
        fail(result, ch, new PeerException(PeerError.PROTOCOL,
            "the relay answered " + answer.getType() + ", not STATUS"));
        return;
      }
      boolean ok = answer.getStatus() == CircuitProtos.Status.OK;
      if (circuit && ok) {
        ch.config().setAutoRead(false);
        HeldBytes held = new HeldBytes();
        ctx.pipeline().replace(this, HeldBytes.NAME, held);
        // Complete after the decoder has handed the bytes that followed the answer to HeldBytes.
        ch.eventLoop().execute(() -> {
          if (!result.complete(new Answer(answer, ch, held))) {
            ch.close();
          }
        });
        return;
      }
      ctx.pipeline().remove(this);
      result.complete(new Answer(answer, null, null));
      ch.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(result, ctx.channel(), new PeerException(PeerError.PROTOCOL,
          "malformed answer from the relay: " + cause.getMessage(), cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(result, ctx.channel(), new PeerException(PeerError.IO, "the relay closed the hop stream without answering"));
      ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        fail(result, ctx.channel(), new PeerException(PeerError.IO, "the relay ended the hop stream without answering"));
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
