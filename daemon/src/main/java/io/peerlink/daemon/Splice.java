package io.peerlink.daemon;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.peerlink.core.spi.StreamChannels;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipes bytes both ways between a client's socket and a libp2p stream, once the control protocol
 * has handed the socket over (after STREAM_OPEN's response, or after the StreamInfo written to a
 * handler). Buffers move as they are, without a copy. While one side cannot take more, reading
 * from the other stops, so memory stays bounded by the write buffers.
 *
 * <p>An end of input on one side becomes a half-close of the other (so a client can send its last
 * bytes and still read the answer); once both directions have ended, or either side closes, both
 * close. An error resets the libp2p stream, so the remote sees a failure, not a clean end.
 */
final class Splice {
  private static final Logger log = LoggerFactory.getLogger(Splice.class);

  private final Channel socket;
  private final Channel stream;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean socketInputDone;
  private volatile boolean streamInputDone;

  private Splice(Channel socket, Channel stream) {
    this.socket = socket;
    this.stream = stream;
  }

  /**
   * Joins the two channels: each gets a forwarding handler at the end of its pipeline and reading
   * turns on. Handlers left on either pipeline must pass raw {@code ByteBuf}s through.
   *
   * @param socket the client's socket channel
   * @param stream the libp2p stream's channel
   */
  static void join(Channel socket, Channel stream) {
    Splice s = new Splice(socket, stream);
    socket.closeFuture().addListener(f -> s.close(false));
    stream.closeFuture().addListener(f -> s.close(false));
    // Each side is rewired on its own event loop, so nothing it reads slips past in between.
    socket.eventLoop().execute(() -> s.attach(socket, stream, true));
    stream.eventLoop().execute(() -> s.attach(stream, socket, false));
  }

  private void attach(Channel from, Channel to, boolean fromSocket) {
    if (closed.get()) {
      HeldBytes held = HeldBytes.remove(from);
      if (held != null) {
        held.discard();
      }
      return;
    }
    from.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    HeldBytes held = HeldBytes.remove(from);
    from.pipeline().addLast("splice", new Forward(to, fromSocket));
    replay(held, to, fromSocket);
    from.config().setAutoRead(true);
    from.read();
  }

  private void replay(HeldBytes held, Channel to, boolean fromSocket) {
    if (held == null) {
      return;
    }
    boolean any = false;
    for (var buf : held.drain()) {
      to.write(buf, to.voidPromise());
      any = true;
    }
    if (any) {
      to.flush();
    }
    if (held.inputShutdown()) {
      inputDone(fromSocket);
    }
  }

  private void inputDone(boolean fromSocket) {
    Channel other = fromSocket ? stream : socket;
    if (fromSocket) {
      socketInputDone = true;
    } else {
      streamInputDone = true;
    }
    if (socketInputDone && streamInputDone) {
      other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> close(false));
      return;
    }
    other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      if (other instanceof DuplexChannel duplex) {
        duplex.shutdownOutput();
      } else {
        close(false);
      }
    });
  }

  private void close(boolean failed) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (failed) {
      StreamChannels.reset(stream);
    } else {
      stream.close();
    }
    socket.close();
  }

  /** Forwards what one side reads to the other side. */
  private final class Forward extends ChannelInboundHandlerAdapter {
    private final Channel to;
    private final boolean fromSocket;

    Forward(Channel to, boolean fromSocket) {
      this.to = to;
      this.fromSocket = fromSocket;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      to.write(msg, to.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      to.flush();
      if (!to.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // This side drained: the other side may read again.
      if (ctx.channel().isWritable()) {
        to.config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        inputDone(fromSocket);
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      close(false);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("{}: piped stream failed: {}", ctx.channel(), cause.toString());
      close(true);
    }
  }
}
