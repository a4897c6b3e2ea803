package io.peerlink.core.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Records what a stream channel's pipeline sees; copies and releases every inbound buffer. */
final class StreamProbe extends ChannelInboundHandlerAdapter {
  final ByteBuf received = Unpooled.buffer();
  final List<Object> userEvents = new ArrayList<>();
  final List<Throwable> exceptions = new ArrayList<>();
  final CompletableFuture<Void> inactive = new CompletableFuture<>();
  int reads;
  int readCompletes;
  int writabilityChanges;
  /** When true, echo every inbound buffer back (the buffer is passed on instead of copied). */
  boolean echo;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    reads++;
    synchronized (received) {
      received.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
    }
    if (echo) {
      ctx.write(buf);
    } else {
      buf.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readCompletes++;
    if (echo) {
      ctx.flush();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    userEvents.add(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    exceptions.add(cause);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    writabilityChanges++;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inactive.complete(null);
  }

  int receivedBytes() {
    synchronized (received) {
      return received.readableBytes();
    }
  }

  String text() {
    synchronized (received) {
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  byte[] bytes() {
    synchronized (received) {
      return ByteBufUtil.getBytes(received);
    }
  }

  /** Frees the copy buffer (unpooled heap, but the leak detector tracks it too). */
  void dispose() {
    received.release();
  }
}
