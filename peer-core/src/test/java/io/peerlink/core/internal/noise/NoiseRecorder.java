package io.peerlink.core.internal.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.peerlink.core.internal.security.SecureSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Test sink behind a {@link NoiseHandler}: records the session event, failures and the order of
 * what arrived, copies received bytes into an unpooled buffer and releases what it is given.
 * Thread-safe enough for one event loop plus a test thread reading futures.
 */
final class NoiseRecorder extends ChannelInboundHandlerAdapter {
  final CompletableFuture<SecureSession> session = new CompletableFuture<>();
  final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  final CompletableFuture<byte[]> expected = new CompletableFuture<>();
  final List<String> order = new ArrayList<>();
  final ByteBuf received = Unpooled.buffer();
  int reads;
  private int expectedBytes = -1;

  /** Completes {@link #expected} once {@code n} bytes have arrived. */
  NoiseRecorder expect(int n) {
    expectedBytes = n;
    return this;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SecureSession s) {
      order.add("session");
      session.complete(s);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      order.add("data");
      reads++;
      synchronized (received) {
        received.writeBytes(buf);
        if (expectedBytes >= 0 && received.readableBytes() >= expectedBytes) {
          byte[] all = new byte[received.readableBytes()];
          received.getBytes(received.readerIndex(), all);
          expected.complete(all);
        }
      }
    } finally {
      buf.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    order.add("failure");
    failure.complete(cause);
  }

  byte[] receivedBytes() {
    synchronized (received) {
      byte[] all = new byte[received.readableBytes()];
      received.getBytes(received.readerIndex(), all);
      return all;
    }
  }
}
