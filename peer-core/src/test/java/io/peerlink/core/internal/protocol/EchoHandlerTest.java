package io.peerlink.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EchoHandlerTest {
  private EmbeddedChannel channel;

  @AfterEach
  void releaseEverything() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void writesBackTheReceivedBufferItself() {
    channel = new EmbeddedChannel(new EchoHandler());
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
    channel.writeInbound(in);
    ByteBuf out = channel.readOutbound();
    try {
      assertThat(out).isSameAs(in);
      assertThat(out.readableBytes()).isEqualTo(3);
    } finally {
      out.release();
    }
  }

  @Test
  void closesAfterFlushingWhenTheInputIsShutDownOnANonDuplexChannel() {
    channel = new EmbeddedChannel(new EchoHandler());
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {9}));
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    channel.runPendingTasks();
    ByteBuf out = channel.readOutbound();
    try {
      assertThat(out.readableBytes()).isEqualTo(1);
    } finally {
      out.release();
    }
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void stopsReadingWhileUnwritableAndResumesWhenDrained() {
    channel = new EmbeddedChannel(new EchoHandler());
    channel.config().setWriteBufferLowWaterMark(8);
    channel.config().setWriteBufferHighWaterMark(16);
    // Hold the echo in the outbound buffer: write without flush until over the high water mark.
    channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        // swallowed: simulates a peer that does not read
      }
    });
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[32]));
    assertThat(channel.isWritable()).isFalse();
    assertThat(channel.config().isAutoRead()).isFalse();

    channel.pipeline().removeFirst();
    channel.flush();
    channel.runPendingTasks();
    assertThat(channel.isWritable()).isTrue();
    assertThat(channel.config().isAutoRead()).isTrue();
  }
}
