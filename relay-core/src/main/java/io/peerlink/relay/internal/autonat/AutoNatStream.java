package io.peerlink.relay.internal.autonat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.internal.protocol.LengthPrefixedFrameDecoder;
import io.peerlink.core.internal.protocol.LengthPrefixedFrameEncoder;
import io.peerlink.relay.internal.proto.AutoNatProtos.Message;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A AutoNAT stream as futures: {@link #read} completes with the next message, {@link #write} sends
 * one. Everything runs on the stream's event loop; a malformed or oversized message, the stream
 * closing or a read timeout fails the pending read and closes the stream.
 */
public final class AutoNatStream extends ChannelInboundHandlerAdapter {
  private final Channel channel;
  private final ArrayDeque<Object> received = new ArrayDeque<>(); // Message or Throwable
  private CompletableFuture<Message> waiting;
  private ScheduledFuture<?> timer;
  private Throwable closedWith;

  private AutoNatStream(Channel channel) {
    this.channel = channel;
  }

  /** Installs the framing and this reader on {@code ch}. */
  public static AutoNatStream install(Channel ch) {
    AutoNatStream s = new AutoNatStream(ch);
    ch.pipeline().addLast(new LengthPrefixedFrameDecoder(AutoNatMessages.MAX_MESSAGE_BYTES),
        new LengthPrefixedFrameEncoder(AutoNatMessages.MAX_MESSAGE_BYTES), s);
    return s;
  }

  /** The stream's channel. */
  public Channel channel() {
    return channel;
  }

  /** The next message, failing after {@code timeout}. Call on the event loop, one read at a time. */
  public CompletableFuture<Message> read(Duration timeout) {
    CompletableFuture<Message> f = new CompletableFuture<>();
    Object next = received.poll();
    if (next != null) {
      complete(f, next);
      return f;
    }
    if (closedWith != null) {
      f.completeExceptionally(closedWith);
      return f;
    }
    waiting = f;
    timer = channel.eventLoop().schedule(() -> fail(new PeerTimeoutException(
        "no AutoNAT message within " + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
    return f;
  }

  /** Writes one message (its buffer is released by the write). */
  public CompletableFuture<Void> write(ByteBuf msg) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    channel.writeAndFlush(msg).addListener(w -> {
      if (w.isSuccess()) {
        f.complete(null);
      } else {
        f.completeExceptionally(PeerException.wrap(w.cause(), PeerError.IO));
      }
    });
    return f;
  }

  private static void complete(CompletableFuture<Message> f, Object next) {
    if (next instanceof Throwable t) {
      f.completeExceptionally(t);
    } else {
      f.complete((Message) next);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Object parsed;
    try {
      parsed = AutoNatMessages.parse((ByteBuf) msg);
    } catch (PeerException e) {
      parsed = e;
    } finally {
      ReferenceCountUtil.release(msg);
    }
    if (parsed instanceof Throwable t) {
      fail(t);
      return;
    }
    deliver(parsed);
  }

  private void deliver(Object item) {
    if (waiting != null) {
      CompletableFuture<Message> w = waiting;
      waiting = null;
      timer.cancel(false);
      complete(w, item);
    } else {
      received.add(item);
    }
  }

  private void fail(Throwable t) {
    if (closedWith == null) {
      closedWith = t;
    }
    if (waiting != null) {
      deliver(t);
    }
    channel.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(PeerException.wrap(cause, PeerError.PROTOCOL));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(new PeerException(PeerError.IO, "the AutoNAT stream closed"));
    ctx.fireChannelInactive();
  }
}
