package io.peerlink.core.internal.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.peerlink.core.perf.PerfConfig;
import org.junit.jupiter.api.Test;

/** The perf server on an {@link EmbeddedChannel}: header parsing, limits, and what it sends when. */
class PerfResponderTest {
  private static final PerfConfig CONFIG = PerfConfig.builder().maxDownloadBytes(1 << 20).build();

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(new PerfResponder(CONFIG));
  }

  private static ByteBuf header(long n) {
    return Unpooled.buffer(8).writeLong(n);
  }

  /** Drains what the server wrote, releasing it; returns the byte count. */
  private static long drain(EmbeddedChannel ch) {
    long total = 0;
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      total += b.readableBytes();
      for (int i = b.readerIndex(); i < b.writerIndex(); i++) {
        assertThat(b.getByte(i)).isZero();
      }
      b.release();
    }
    return total;
  }

  private static void endInput(EmbeddedChannel ch) {
    ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    ch.runPendingTasks();
  }

  @Test
  void headerSplitIntoSingleBytesThenUploadThenEndSendsExactlyTheCountAndCloses() {
    EmbeddedChannel ch = channel();
    ByteBuf h = header(300_000);
    while (h.isReadable()) {
      ch.writeInbound(h.readRetainedSlice(1));
    }
    h.release();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[100_000]));
    assertThat(drain(ch)).as("nothing is sent while the upload goes on").isZero();

    endInput(ch);
    assertThat(drain(ch)).isEqualTo(300_000);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void headerAndUploadInOneBuffer() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.buffer().writeLong(70_000).writeZero(5_000));
    endInput(ch);
    assertThat(drain(ch)).isEqualTo(70_000);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void zeroBytesAskedSendsNothingAndCloses() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(header(0));
    endInput(ch);
    assertThat(drain(ch)).isZero();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aCountOverTheLimitClosesAtOnceWithoutSending() {
    EmbeddedChannel ch = channel();
    ByteBuf tooMuch = Unpooled.buffer().writeLong((1 << 20) + 1).writeZero(1000);
    ch.writeInbound(tooMuch);
    assertThat(tooMuch.refCnt()).as("the rest of the buffer was released").isZero();
    assertThat(ch.isOpen()).isFalse();
    assertThat(drain(ch)).isZero();
  }

  @Test
  void theLargestUnsignedCountIsOverAnyLimit() {
    EmbeddedChannel ch = new EmbeddedChannel(new PerfResponder(
        PerfConfig.builder().maxDownloadBytes(Long.MAX_VALUE).build()));
    ch.writeInbound(header(-1L)); // 2^64 - 1 on the wire
    assertThat(ch.isOpen()).isFalse();
    assertThat(drain(ch)).isZero();
  }

  @Test
  void anEndBeforeTheWholeHeaderClosesWithoutSending() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 1}));
    endInput(ch);
    assertThat(ch.isOpen()).isFalse();
    assertThat(drain(ch)).isZero();
  }

  @Test
  void anEmptyStreamClosesWithoutSending() {
    EmbeddedChannel ch = channel();
    endInput(ch);
    assertThat(ch.isOpen()).isFalse();
    assertThat(drain(ch)).isZero();
  }

  @Test
  void sendsInBlocksOfTheConfiguredSize() {
    EmbeddedChannel ch = new EmbeddedChannel(new PerfResponder(PerfConfig.builder().blockSize(1000).build()));
    ch.writeInbound(header(2500));
    endInput(ch);
    ByteBuf a = ch.readOutbound();
    ByteBuf b = ch.readOutbound();
    ByteBuf c = ch.readOutbound();
    try {
      assertThat(a.readableBytes()).isEqualTo(1000);
      assertThat(b.readableBytes()).isEqualTo(1000);
      assertThat(c.readableBytes()).isEqualTo(500);
    } finally {
      a.release();
      b.release();
      c.release();
    }
    assertThat(drain(ch)).isZero();
  }
}
