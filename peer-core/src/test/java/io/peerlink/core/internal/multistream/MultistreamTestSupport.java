package io.peerlink.core.internal.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Helpers shared by the multistream tests. */
final class MultistreamTestSupport {
  private MultistreamTestSupport() {}

  /** The wire bytes of the given lines as consecutive multistream messages. */
  static byte[] messages(String... lines) {
    ByteBuf buf = MultistreamMessages.encode(Unpooled.buffer().alloc(), lines);
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /** The exception {@code future} completed with; fails the test if it has not failed (Java 17 lacks exceptionNow). */
  static Throwable failure(CompletableFuture<?> future) {
    if (!future.isCompletedExceptionally()) {
      throw new AssertionError("expected a failed future, got " + future);
    }
    try {
      future.getNow(null);
      throw new AssertionError("unreachable");
    } catch (CompletionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Drains and releases everything the channel wrote, concatenated. */
  static byte[] outbound(EmbeddedChannel channel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object msg; (msg = channel.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        out.writeBytes(ByteBufUtil.getBytes(buf));
      } finally {
        buf.release();
      }
    }
    return out.toByteArray();
  }

  /** Drains and releases the channel's writes, one array per write. */
  static List<byte[]> outboundWrites(EmbeddedChannel channel) {
    List<byte[]> writes = new ArrayList<>();
    for (Object msg; (msg = channel.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        writes.add(ByteBufUtil.getBytes(buf));
      } finally {
        buf.release();
      }
    }
    return writes;
  }

  /** A stand-in protocol handler that records the bytes it receives and releases them. */
  static final class Collector extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    int reads;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        received.writeBytes(ByteBufUtil.getBytes((ByteBuf) msg));
        reads++;
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    synchronized byte[] bytes() {
      return received.toByteArray();
    }
  }
}
