package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.identity.Identity;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that vanishes mid-transfer, over real TCP: the remote's connection channel is closed under
 * it (no yamux go away, no stream end), reset (SO_LINGER 0) or ended with a bare FIN, after 2 MiB of
 * an 8 MiB transfer.
 * The other side must learn it as a {@link ConnectionLostException} that says what happened, on
 * its pending writes and in its stream pipeline, not as a bare {@code ClosedChannelException}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLostLoopbackTest extends PeerTestSupport {
  private static final String SINK = "/test/sink/1.0.0";
  private static final String SOURCE = "/test/source/1.0.0";
  private static final int CHUNK = 64 * 1024;
  private static final int TRANSFER = 8 * 1024 * 1024;
  private static final int VANISH_AFTER = 2 * 1024 * 1024;

  /** How the remote's connection ends: a close (a reset if bytes are unread), a reset, or only a FIN. */
  private enum Vanish { CLOSE, RESET, FIN }

  @Test
  void anUploadToAPeerWhoseConnectionClosesFailsWithConnectionLost() throws Exception {
    // Closing a socket with unread bytes makes the kernel reset it, so this ends as a reset too.
    Outcome out = upload(Vanish.CLOSE);
    assertThat(out.writeFailures()).isNotEmpty()
        .allSatisfy(e -> assertThat(e).isInstanceOf(ConnectionLostException.class));
    assertThat(out.caught().get(20, TimeUnit.SECONDS))
        .isInstanceOf(ConnectionLostException.class)
        .hasMessageContaining("lost mid-stream")
        .hasMessageContaining("connect again");
    assertThat(((PeerException) out.caught().get()).kind()).isEqualTo(PeerError.IO);
  }

  @Test
  void anUploadToAPeerWhoseConnectionIsResetFailsWithConnectionLost() throws Exception {
    Outcome out = upload(Vanish.RESET);
    assertThat(out.writeFailures()).isNotEmpty()
        .allSatisfy(e -> assertThat(e).isInstanceOf(ConnectionLostException.class));
    assertThat(out.caught().get(20, TimeUnit.SECONDS))
        .isInstanceOf(ConnectionLostException.class)
        .hasMessageContaining("lost mid-stream");
  }

  @Test
  void aDownloadFromAPeerThatVanishesEndsWithConnectionLostForTheReader() throws Exception {
    Listener server = listen(Listener.builder(Identity.generate())
        .config(FAST).listenOn(LOOPBACK)
        .handler(SOURCE, s -> s.channel().pipeline().addLast(new Source())));
    Peer peer = get(connector().connect(server.listenAddresses().get(0)));
    CompletableFuture<Throwable> caught = new CompletableFuture<>();
    long[] received = new long[1];
    get(peer.newStream(SOURCE, s -> s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        received[0] += ((ByteBuf) msg).readableBytes();
        ReferenceCountUtil.release(msg);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        caught.complete(cause);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        caught.complete(null); // must not come first
      }
    })));
    assertThat(caught.get(20, TimeUnit.SECONDS))
        .isInstanceOf(ConnectionLostException.class)
        .hasMessageContaining("lost mid-stream")
        .hasMessageContaining("closed by the remote without ending its streams");
    assertThat(received[0]).isLessThan(TRANSFER);
  }

  /** What the uploading side saw. */
  private record Outcome(List<Throwable> writeFailures, CompletableFuture<Throwable> caught) {}

  private Outcome upload(Vanish how) throws Exception {
    Listener server = listen(Listener.builder(Identity.generate())
        .config(FAST).listenOn(LOOPBACK)
        .handler(SINK, s -> s.channel().pipeline().addLast(new Sink(how))));
    Peer peer = get(connector().connect(server.listenAddresses().get(0)));
    CompletableFuture<Throwable> caught = new CompletableFuture<>();
    Stream stream = get(peer.newStream(SINK, s -> s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        caught.complete(cause);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        caught.complete(null); // must not come first
      }
    })));
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> allSettled = new CompletableFuture<>();
    int chunks = TRANSFER / CHUNK;
    int[] settled = new int[1];
    Channel ch = stream.channel();
    ch.eventLoop().execute(() -> {
      for (int i = 0; i < chunks; i++) {
        ch.write(Unpooled.wrappedBuffer(new byte[CHUNK])).addListener(f -> {
          if (!f.isSuccess()) {
            failures.add(f.cause());
          }
          if (++settled[0] == chunks) {
            allSettled.complete(null);
          }
        });
      }
      ch.flush();
    });
    allSettled.get(20, TimeUnit.SECONDS);
    return new Outcome(List.copyOf(failures), caught);
  }

  /** Reads until {@link #VANISH_AFTER} bytes arrived, then drops the whole connection under the stream. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    private final Vanish how;
    private long received;

    Sink(Vanish how) {
      this.how = how;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      received += ((ByteBuf) msg).readableBytes();
      ReferenceCountUtil.release(msg);
      if (received >= VANISH_AFTER && received - ((long) CHUNK) < VANISH_AFTER) {
        vanish(ctx.channel().parent(), how);
      }
    }
  }

  /** Writes {@link #TRANSFER} bytes as the reader takes them; drops the connection after {@link #VANISH_AFTER}. */
  private static final class Source extends ChannelInboundHandlerAdapter {
    private long sent;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.executor().execute(() -> writeMore(ctx)); // the stream is active once negotiated
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      writeMore(ctx);
    }

    private void writeMore(ChannelHandlerContext ctx) {
      while (ctx.channel().isActive() && ctx.channel().isWritable() && sent < TRANSFER) {
        if (sent >= VANISH_AFTER) {
          vanish(ctx.channel().parent(), Vanish.FIN);
          return;
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[CHUNK]));
        sent += CHUNK;
      }
    }
  }

  /** Ends the connection's socket under every handler: no go away, no TLS or Noise goodbye. */
  private static void vanish(Channel connection, Vanish how) {
    if (how == Vanish.FIN) {
      // Only a FIN, as a process that exits with nothing unread: a close could turn into a reset.
      ((DuplexChannel) connection).shutdownOutput();
      return;
    }
    if (how == Vanish.RESET) {
      connection.config().setOption(ChannelOption.SO_LINGER, 0);
    }
    connection.unsafe().close(connection.voidPromise());
  }
}
