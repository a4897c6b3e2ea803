package io.peerlink.benchmarks.e2e;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.Peer;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.spi.StreamChannels;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * An {@code /echo/1.0.0} client for benchmarks: sends slices of one zeroed 64 KiB block while the
 * stream is writable, half-closes, and only counts what comes back (the js harness's
 * {@code "verify": false} echo does the same), so the figure is the transport's.
 */
final class CountingEcho extends ChannelInboundHandlerAdapter {
  private static final int BLOCK = 64 * 1024;

  private final long total;
  private final long start;
  private final CompletableFuture<Long> done;
  private ByteBuf block;
  private long sent;
  private long received;
  private boolean pumping;
  private boolean shut;

  private CountingEcho(long total, long start, CompletableFuture<Long> done) {
    this.total = total;
    this.start = start;
    this.done = done;
  }

  /** Echoes {@code bytes} on a new stream; completes with the nanoseconds from opening it to the last byte back. */
  static CompletableFuture<Long> run(Peer peer, long bytes) {
    long start = System.nanoTime();
    CompletableFuture<Long> done = new CompletableFuture<>();
    peer.newStream(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new CountingEcho(bytes, start, done)))
        .exceptionally(e -> {
          done.completeExceptionally(e);
          return null;
        });
    return done;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    block = ctx.alloc().directBuffer(BLOCK, BLOCK).writeZero(BLOCK);
    if (ctx.channel().isActive()) {
      pump(ctx);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    block.release();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    pump(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      pump(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void pump(ChannelHandlerContext ctx) {
    if (pumping || shut) {
      return;
    }
    pumping = true;
    try {
      while (sent < total && ctx.channel().isWritable()) {
        do {
          int n = (int) Math.min(BLOCK, total - sent);
          ctx.write(block.retainedSlice(0, n), ctx.voidPromise());
          sent += n;
        } while (sent < total && ctx.channel().isWritable());
        ctx.flush();
      }
      if (sent == total) {
        shut = true;
        StreamChannels.shutdownOutput(ctx.channel()); // behind writes still waiting for window, on QUIC too
      }
    } finally {
      pumping = false;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    received += ((ByteBuf) msg).readableBytes();
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (received == total) {
        done.complete(System.nanoTime() - start);
      } else {
        done.completeExceptionally(new IOException("echo ended after " + received + " of " + total + " bytes"));
      }
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    done.completeExceptionally(new IOException("echo stream closed after " + received + " of " + total + " bytes"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    done.completeExceptionally(cause);
    ctx.close();
  }
}
