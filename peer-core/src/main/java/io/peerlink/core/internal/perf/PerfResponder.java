package io.peerlink.core.internal.perf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.perf.PerfConfig;
import io.peerlink.core.spi.StreamChannels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@code /perf/1.0.0}: reads the 8-byte big-endian count of bytes to send
 * back, reads (and drops) the upload until the remote half-closes, and only then sends the count,
 * then half-closes and closes.
 *
 * <p>Nothing the remote sends is buffered: the header is parsed byte by byte as it arrives (it
 * may be split across reads), upload bytes are counted and released at once. A count above
 * {@link PerfConfig#maxDownloadBytes()}, an end of stream before the 8 header bytes, and
 * {@link PerfConfig#idleTimeout()} without progress each reset the stream.
 */
public final class PerfResponder extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PerfResponder.class);
  /** The download count: an unsigned 64-bit big-endian number. */
  static final int HEADER_BYTES = 8;

  private enum State { HEADER, UPLOAD, DOWNLOAD, DONE }

  private final PerfConfig config;
  private State state = State.HEADER;
  private int headerRead;
  private long requested;
  private long uploaded;
  private BlockWriter writer;
  private IdleDeadline idle;

  /** A server bounded by {@code config}. */
  public PerfResponder(PerfConfig config) {
    this.config = config;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // The answer is sent after the remote's FIN: the stream must stay open for writing past it.
    ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    idle = IdleDeadline.start(ctx, config.idleTimeout(), () -> fail(ctx, new PeerTimeoutException(
        "perf: no progress for " + config.idleTimeout() + " (" + describe() + ")")));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      if (state == State.DONE) {
        return;
      }
      idle.touch();
      while (state == State.HEADER && buf.isReadable()) {
        requested = (requested << 8) | buf.readUnsignedByte();
        if (++headerRead == HEADER_BYTES) {
          if (Long.compareUnsigned(requested, config.maxDownloadBytes()) > 0) {
            fail(ctx, new LimitExceededException("perf: remote asked for " + Long.toUnsignedString(requested)
                + " bytes, more than maxDownloadBytes " + config.maxDownloadBytes()));
            return;
          }
          state = State.UPLOAD;
        }
      }
      uploaded += buf.readableBytes();
    } finally {
      buf.release();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (state == State.HEADER) {
        fail(ctx, new ProtocolViolationException(
            "perf: stream ended after " + headerRead + " of " + HEADER_BYTES + " header bytes"));
      } else if (state == State.UPLOAD) {
        // Only now, never while the upload is still arriving (the spec's MUST).
        state = State.DOWNLOAD;
        idle.touch();
        writer = new BlockWriter(ctx, config.blockSize(), requested);
        pump(ctx);
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (state == State.DOWNLOAD && ctx.channel().isWritable()) {
      pump(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void pump(ChannelHandlerContext ctx) {
    idle.touch();
    if (writer.pump(ctx)) {
      state = State.DONE;
      idle.stop();
      log.debug("{}: perf served, {} bytes in, {} out", ctx.channel(), uploaded, writer.written());
      writer.release();
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> finish(ctx.channel()));
    }
  }

  /** FIN after the last byte, then close: the input is already shut. */
  private static void finish(Channel ch) {
    if (ch instanceof DuplexChannel duplex) {
      duplex.shutdownOutput().addListener(f -> ch.close());
    } else {
      ch.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state != State.DONE) {
      log.debug("{}: perf stream closed by the remote ({})", ctx.channel(), describe());
    }
    cleanUp();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cleanUp();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, PeerException.wrap(cause, PeerError.IO));
  }

  private void fail(ChannelHandlerContext ctx, PeerException cause) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    log.debug("{}: perf stream reset: {}", ctx.channel(), cause.getMessage());
    cleanUp();
    StreamChannels.reset(ctx.channel());
  }

  private void cleanUp() {
    if (idle != null) {
      idle.stop();
    }
    if (writer != null) {
      writer.release();
    }
  }

  private String describe() {
    return switch (state) {
      case HEADER -> headerRead + " of " + HEADER_BYTES + " header bytes read";
      case UPLOAD -> uploaded + " upload bytes read, no end of stream yet";
      case DOWNLOAD -> writer.written() + " of " + Long.toUnsignedString(requested) + " bytes sent";
      case DONE -> "done";
    };
  }
}
