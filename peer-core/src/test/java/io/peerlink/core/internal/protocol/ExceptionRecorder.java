package io.peerlink.core.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;

/** Test handler that records the exceptions and the inbound messages reaching it. */
public final class ExceptionRecorder extends ChannelInboundHandlerAdapter {
  public final List<Throwable> exceptions = new ArrayList<>();
  public final List<Object> messages = new ArrayList<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    messages.add(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    exceptions.add(cause);
  }

  /** The bytes of a recorded ByteBuf message, releasing it. */
  public static byte[] take(Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }
}
