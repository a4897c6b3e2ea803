package io.peerlink.core.internal.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder of {@code /echo/1.0.0}, peerlink's test protocol (js test peers implement the
 * same): every byte read is written back, and when the remote closes its write side we flush and
 * close ours.
 *
 * <p>Received buffers are written back as they are, with no copy. While the channel is not
 * writable (the remote reads slower than it sends) reading stops, through auto-read, and resumes
 * when the channel drains, so memory stays bounded by the write buffer's high water mark.
 * It turns on {@code ChannelOption.ALLOW_HALF_CLOSURE} so the remote's FIN ends only the input;
 * on a {@link DuplexChannel} the output is shut down after the last echo and the channel closed,
 * on other channels the channel is closed.
 */
public final class EchoHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(EchoHandler.class);

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // The echo must outlive the remote's FIN: without half-closure the stream would close at the
    // FIN and cut off echoes still waiting for window.
    ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.write(msg);
    if (!ctx.channel().isWritable()) {
      // The flush may drain the buffer and fire writability back on before returning; pause
      // only if it is still full, or nothing would ever turn reading back on.
      ctx.flush();
      if (!ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> closeOutput(ctx.channel()));
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private static void closeOutput(Channel channel) {
    if (channel instanceof DuplexChannel duplex) {
      // FIN after the last echo; with the input already shut, nothing is left to do on it.
      duplex.shutdownOutput().addListener(f -> channel.close());
    } else {
      channel.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{}: echo stream failed, closing: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
