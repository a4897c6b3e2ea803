package io.peerlink.core.spi;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request/response protocol stream of length-prefixed messages (DCUtR, AutoNAT) as futures:
 * {@link #read} completes with the next parsed message, {@link #write} sends one. Frames are
 * bounded before they are buffered. Everything runs on the stream's event loop; a malformed or
 * oversized message, the stream closing or a read timeout fails the pending read and closes the
 * stream.
 *
 * @param <T> the parsed message type
 */
public final class MessageStream<T> extends ChannelInboundHandlerAdapter {

  /**
   * Parses one frame; the caller releases it.
   *
   * @param <T> the parsed message type
   */
  @FunctionalInterface
  public interface Parser<T> {
    /**
     * Parses {@code frame}, or throws a typed exception for a malformed one.
     *
     * @param frame one message's bytes, without the length prefix
     * @return the message
     * @throws PeerException a {@code ProtocolViolationException} for a malformed message
     */
    T parse(ByteBuf frame) throws PeerException;
  }

  private final Channel channel;
  private final ArrayDeque<Object> received = new ArrayDeque<>(); // Message or Throwable
  private final String name;
  private final Parser<T> parser;
  private CompletableFuture<T> waiting;
  private ScheduledFuture<?> timer;
  private Throwable closedWith;

  private MessageStream(Channel channel, String name, Parser<T> parser) {
    this.channel = channel;
    this.name = name;
    this.parser = parser;
  }

  /**
   * Installs framing bounded at {@code maxMessageBytes} and this reader on {@code ch}.
   *
   * @param <T> the parsed message type
   * @param ch the stream's channel
   * @param name names the protocol in error messages, such as {@code "DCUtR"}
   * @param maxMessageBytes the largest message accepted, checked before it is buffered
   * @param parser turns a frame into a message
   * @return the message stream
   */
  public static <T> MessageStream<T> install(Channel ch, String name, int maxMessageBytes, Parser<T> parser) {
    MessageStream<T> s = new MessageStream<>(ch, name, parser);
    ch.pipeline().addLast(new LengthPrefixedFrameDecoder(name, maxMessageBytes),
        new LengthPrefixedFrameEncoder(maxMessageBytes), s);
    return s;
  }

  /** {@return the stream's channel} */
  public Channel channel() {
    return channel;
  }

  /**
   * The next message, failing after {@code timeout}. Call on the event loop, one read at a time.
   *
   * @param timeout how long to wait for the message
   * @return the message; fails with a {@code PeerTimeoutException}, a malformed message's
   *     exception, or the stream's closing
   */
  public CompletableFuture<T> read(Duration timeout) {
    CompletableFuture<T> f = new CompletableFuture<>();
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
        "no " + name + " message within " + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
    return f;
  }

  /**
   * Writes one message (its buffer is released by the write).
   *
   * @param msg the encoded message, without its length prefix (the stream adds it)
   * @return completes once written
   */
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

  @SuppressWarnings("unchecked")
  private static <T> void complete(CompletableFuture<T> f, Object next) {
    if (next instanceof Throwable t) {
      f.completeExceptionally(t);
    } else {
      f.complete((T) next);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Object parsed;
    try {
      parsed = parser.parse((ByteBuf) msg);
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
      CompletableFuture<T> w = waiting;
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
    fail(new PeerException(PeerError.IO, "the " + name + " stream closed"));
    ctx.fireChannelInactive();
  }
}
