package io.peerlink.core.internal.host;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drops every yamux frame a connection writes, releasing it, while {@link #on} is true: put
 * between the yamux session and the encryption, it loses frames as a blackholed route would,
 * while the socket stays up and keep-alive has not noticed.
 */
final class Blackhole extends ChannelOutboundHandlerAdapter {
  volatile boolean on = true;

  /** Puts a blackhole into {@code c}'s pipeline, in front of its yamux session. */
  static Blackhole on(PeerConnection c) throws Exception {
    Blackhole hole = new Blackhole();
    c.channel().eventLoop().submit(() -> {
      for (Map.Entry<String, ChannelHandler> e : c.channel().pipeline()) {
        if (e.getValue().getClass().getSimpleName().startsWith("Yamux")) {
          c.channel().pipeline().addBefore(e.getKey(), "test-blackhole", hole);
          return;
        }
      }
      throw new IllegalStateException("no yamux handler in " + c.channel().pipeline().names());
    }).get(20, TimeUnit.SECONDS);
    return hole;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (on) {
      ReferenceCountUtil.release(msg);
      promise.setSuccess();
    } else {
      ctx.write(msg, promise);
    }
  }
}
