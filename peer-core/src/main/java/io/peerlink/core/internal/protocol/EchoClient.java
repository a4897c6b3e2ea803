package io.peerlink.core.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of {@code /echo/1.0.0}: sends a payload on a new stream, half-closes, and checks
 * that exactly the same bytes come back. Used by the command-line tool, tests and benchmarks.
 */
public final class EchoClient {
  /** The echo protocol ID. */
  public static final String PROTOCOL = "/echo/1.0.0";

  private EchoClient() {}

  /**
   * Echoes {@code payload} through {@code peer}; completes with the time from stream open to the
   * last byte back, or fails with a {@link ProtocolViolationException} if a byte differs or the
   * count is wrong.
   */
  public static CompletableFuture<Duration> roundTrip(Peer peer, byte[] payload) {
    long start = System.nanoTime();
    CompletableFuture<Duration> result = new CompletableFuture<>();
    peer.newStream(PROTOCOL, stream -> stream.channel().pipeline().addLast(new Verifier(payload, start, result)))
        .whenComplete((stream, err) -> {
          if (err != null) {
            result.completeExceptionally(err);
            return;
          }
          // The payload bytes are not copied: the stream frames slices of this wrapped array.
          stream.channel().writeAndFlush(Unpooled.wrappedBuffer(payload)).addListener(f -> {
            if (!f.isSuccess()) {
              result.completeExceptionally(PeerException.wrap(f.cause(), PeerError.IO));
              return;
            }
            if (stream.channel() instanceof DuplexChannel d) {
              d.shutdownOutput();
            }
          });
        });
    return result;
  }

  /** Compares what comes back with what was sent, without buffering it. */
  private static final class Verifier extends ChannelInboundHandlerAdapter {
    private final byte[] expected;
    private final long start;
    private final CompletableFuture<Duration> result;
    private int received;

    Verifier(byte[] expected, long start, CompletableFuture<Duration> result) {
      this.expected = expected;
      this.start = start;
      this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        int n = buf.readableBytes();
        if (received + n > expected.length) {
          fail(ctx, "echo returned more bytes than were sent (" + (received + n) + " > " + expected.length + ")");
          return;
        }
        for (int i = 0; i < n; i++) {
          if (buf.getByte(buf.readerIndex() + i) != expected[received + i]) {
            fail(ctx, "echo returned a different byte at offset " + (received + i));
            return;
          }
        }
        received += n;
        if (received == expected.length) {
          result.complete(Duration.ofNanos(System.nanoTime() - start));
          ctx.close();
        }
      } finally {
        buf.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        // The echo side is done: whatever did not come back by now never will.
        ctx.close();
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!result.isDone() && received == expected.length) {
        result.complete(Duration.ofNanos(System.nanoTime() - start));
      } else if (!result.isDone()) {
        result.completeExceptionally(new PeerException(PeerError.IO,
            "echo stream closed after " + received + " of " + expected.length + " bytes"));
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(PeerException.wrap(cause, PeerError.IO));
      ctx.close();
    }

    private void fail(ChannelHandlerContext ctx, String message) {
      result.completeExceptionally(new ProtocolViolationException(message));
      ctx.close();
    }
  }
}
