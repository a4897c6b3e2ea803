package io.peerlink.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ProtocolViolationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds arbitrary bytes to the {@code uvarint(len) || payload} framer that identify, circuit relay,
 * DCUtR and AutoNAT streams start with.
 *
 * <p>The first input byte picks the mode (its top bit: {@link LengthPrefixedFrameDecoder#oneFrame}
 * or the decoder for a stream of frames) and the size of the reads the rest is split into. The
 * decoder must pass on frames no longer than its limit, or fail once with a
 * {@link LimitExceededException} or {@link ProtocolViolationException}; every buffer must be
 * released. A plain test run replays the inputs under {@code LengthPrefixedFrameDecoderFuzzTestInputs};
 * see docs/testing.md, "Fuzzing", to fuzz.
 */
class LengthPrefixedFrameDecoderFuzzTest {
  private static final int MAX_FRAME_BYTES = 4096;

  @FuzzTest
  void frames(byte[] data) {
    if (data.length == 0) {
      return;
    }
    boolean oneFrame = (data[0] & 0x80) != 0;
    int readSize = 1 + (data[0] & 0x7F);
    LengthPrefixedFrameDecoder decoder = oneFrame
        ? LengthPrefixedFrameDecoder.oneFrame("fuzz", MAX_FRAME_BYTES)
        : new LengthPrefixedFrameDecoder("fuzz", MAX_FRAME_BYTES);
    List<Throwable> errors = new ArrayList<>();
    EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.add(cause);
      }
    });
    for (int i = 1; i < data.length && channel.isOpen(); i += readSize) {
      channel.writeInbound(Unpooled.copiedBuffer(data, i, Math.min(readSize, data.length - i)));
    }
    channel.finish();
    boolean first = true;
    for (Object m; (m = channel.readInbound()) != null; ) {
      try {
        // In one-frame mode only the first buffer is a frame; the rest is the raw stream after it.
        if (first || !oneFrame) {
          assertThat(((ByteBuf) m).readableBytes()).isLessThanOrEqualTo(MAX_FRAME_BYTES);
        }
        first = false;
      } finally {
        ReferenceCountUtil.release(m);
      }
    }
    assertThat(errors).hasSizeLessThanOrEqualTo(1);
    assertThat(errors).allSatisfy(e -> assertThat(e)
        .isInstanceOfAny(LimitExceededException.class, ProtocolViolationException.class));
  }
}
