package io.peerlink.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.Varint;
import io.peerlink.core.internal.proto.IdentifyProtos.Identify;
import io.peerlink.core.internal.protocol.ExceptionRecorder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LengthPrefixedFramesTest {
  private final ExceptionRecorder recorder = new ExceptionRecorder();
  private EmbeddedChannel channel;

  @AfterEach
  void releaseEverything() {
    recorder.messages.forEach(ReferenceCountUtil::release);
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private EmbeddedChannel decoder(int max) {
    channel = new EmbeddedChannel(new LengthPrefixedFrameDecoder(max), recorder);
    return channel;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void splitsSeveralFramesFromOneBufferIncludingAnEmptyOne() {
    decoder(100);
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 'a', 'b', 'c', 0, 1, 'z'}));
    assertThat(recorder.messages).hasSize(3);
    assertThat(ExceptionRecorder.take(recorder.messages.get(0))).isEqualTo(utf8("abc"));
    assertThat(ExceptionRecorder.take(recorder.messages.get(1))).isEmpty();
    assertThat(ExceptionRecorder.take(recorder.messages.get(2))).isEqualTo(utf8("z"));
    recorder.messages.clear();
  }

  @Test
  void emitsSlicesOfTheReceivedBytesNotCopies() {
    decoder(100);
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {3, 'a', 'b', 'c'});
    channel.writeInbound(in);
    ByteBuf frame = (ByteBuf) recorder.messages.remove(0);
    try {
      assertThat(frame.unwrap()).isNotNull();
    } finally {
      frame.release();
    }
  }

  @Test
  void waitsForFramesArrivingByteByByte() {
    decoder(300);
    byte[] payload = new byte[300];
    payload[299] = 7;
    ByteBuf wire = Unpooled.buffer();
    Varint.write(wire, 300);
    wire.writeBytes(payload);
    byte[] bytes = ByteBufUtil.getBytes(wire);
    wire.release();
    for (byte b : bytes) {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertThat(recorder.messages).hasSize(1);
    assertThat(ExceptionRecorder.take(recorder.messages.remove(0))).isEqualTo(payload);
  }

  @Test
  void acceptsAFrameOfExactlyTheLimit() {
    decoder(4096);
    ByteBuf wire = Unpooled.buffer();
    Varint.write(wire, 4096);
    wire.writeZero(4096);
    channel.writeInbound(wire);
    assertThat(recorder.messages).hasSize(1);
    assertThat(ExceptionRecorder.take(recorder.messages.remove(0))).hasSize(4096);
  }

  @Test
  void rejectsAnOversizedLengthBeforeBufferingThePayload() {
    decoder(4096);
    ByteBuf wire = Unpooled.buffer();
    Varint.write(wire, 4097);
    wire.writeZero(10);
    channel.writeInbound(wire);
    assertThat(recorder.exceptions).singleElement(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("4096");
    assertThat(recorder.messages).isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rejectsAnOversizedVarintBeforeItEnds() {
    decoder(4096);
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff}));
    assertThat(recorder.exceptions).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(LimitExceededException.class);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rejectsANonMinimalVarint() {
    decoder(4096);
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x83, 0x00, 1, 2, 3}));
    assertThat(recorder.exceptions).singleElement(InstanceOfAssertFactories.THROWABLE).isInstanceOf(ProtocolViolationException.class);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void reportsInputEndingInsideAFrame() {
    decoder(100);
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {5, 'a', 'b'}));
    channel.pipeline().fireUserEventTriggered(
        ChannelInputShutdownEvent.INSTANCE);
    assertThat(recorder.exceptions).singleElement(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("inside");
  }

  @Test
  void removingTheDecoderAfterAFramePassesTheRestOnUnparsed() {
    List<byte[]> seen = new ArrayList<>();
    ChannelInboundHandlerAdapter relayLike = new ChannelInboundHandlerAdapter() {
      private boolean statusSeen;

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        seen.add(ExceptionRecorder.take(msg));
        if (!statusSeen) {
          statusSeen = true;
          ctx.pipeline().remove(LengthPrefixedFrameDecoder.class);
        }
      }
    };
    channel = new EmbeddedChannel(new LengthPrefixedFrameDecoder(100), relayLike);
    // STATUS frame, then raw relayed bytes that merely look like frames.
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {2, 'o', 'k', 3, 'r', 'a', 'w'}));
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).isEqualTo(utf8("ok"));
    assertThat(seen.get(1)).isEqualTo(new byte[] {3, 'r', 'a', 'w'});
  }

  @Test
  void aNamedDecoderNamesItsProtocolInTheLimitError() {
    channel = new EmbeddedChannel(new LengthPrefixedFrameDecoder("DCUtR", 4096), recorder);
    ByteBuf wire = Unpooled.buffer();
    Varint.write(wire, 4097);
    channel.writeInbound(wire);
    assertThat(recorder.exceptions).singleElement(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("DCUtR")
        .hasMessageContaining("4096");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void oneFrameDecoderPassesTheRestOnUnparsedAndLeaves() {
    channel = new EmbeddedChannel(LengthPrefixedFrameDecoder.oneFrame("relay", 100), recorder);
    // STATUS frame, then raw relayed bytes that merely look like frames.
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {2, 'o', 'k', 3, 'r', 'a', 'w'}));
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 'x'}));
    assertThat(recorder.messages).hasSize(3);
    assertThat(ExceptionRecorder.take(recorder.messages.get(0))).isEqualTo(utf8("ok"));
    assertThat(ExceptionRecorder.take(recorder.messages.get(1))).isEqualTo(new byte[] {3, 'r', 'a', 'w'});
    assertThat(ExceptionRecorder.take(recorder.messages.get(2))).isEqualTo(new byte[] {1, 'x'});
    recorder.messages.clear();
    assertThat(channel.pipeline().get(LengthPrefixedFrameDecoder.class)).isNull();
  }

  @Test
  void oneFrameDecoderReportsBadInputOnceAndLeavesTheChannelOpen() {
    channel = new EmbeddedChannel(LengthPrefixedFrameDecoder.oneFrame("circuit relay hop", 4096), recorder);
    ByteBuf wire = Unpooled.buffer();
    Varint.write(wire, 4097);
    wire.writeZero(10);
    channel.writeInbound(wire);
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 'x'}));
    assertThat(recorder.exceptions).singleElement(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("circuit relay hop");
    assertThat(recorder.messages).isEmpty();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void oneFrameDecoderLeavesAStreamEndingInsideTheFrameToTheHandlerBehind() {
    channel = new EmbeddedChannel(LengthPrefixedFrameDecoder.oneFrame("relay", 100), recorder);
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {5, 'a', 'b'}));
    channel.pipeline().fireUserEventTriggered(
        ChannelInputShutdownEvent.INSTANCE);
    assertThat(recorder.exceptions).isEmpty();
    assertThat(recorder.messages).isEmpty();
  }

  @Test
  void encoderWritesPrefixThenThePayloadItself() {
    channel = new EmbeddedChannel(new LengthPrefixedFrameEncoder(1000));
    ByteBuf payload = Unpooled.wrappedBuffer(new byte[300]);
    channel.writeOutbound(payload);
    ByteBuf prefix = channel.readOutbound();
    ByteBuf body = channel.readOutbound();
    try {
      assertThat(ByteBufUtil.getBytes(prefix)).containsExactly(0xac, 0x02);
      assertThat(body).isSameAs(payload);
    } finally {
      prefix.release();
      body.release();
    }
  }

  @Test
  void encoderRefusesAnOversizedPayload() {
    channel = new EmbeddedChannel(new LengthPrefixedFrameEncoder(10));
    assertThatThrownBy(() -> channel.writeOutbound(Unpooled.wrappedBuffer(new byte[11])))
        .isInstanceOf(EncoderException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void protobufRoundTripsThroughEncoderAndDecoder() throws Exception {
    Identify sent = Identify.newBuilder().setAgentVersion("peerlink/test").addProtocols("/x").build();
    ByteBuf wire = ProtobufFrames.encodeDelimited(Unpooled.buffer().alloc(), sent);
    decoder(8192);
    channel.writeInbound(wire);
    ByteBuf frame = (ByteBuf) recorder.messages.remove(0);
    try {
      assertThat(ProtobufFrames.parse(frame, Identify.parser(), 8192)).isEqualTo(sent);
      assertThatThrownBy(() -> ProtobufFrames.parse(frame, Identify.parser(), 3))
          .isInstanceOf(LimitExceededException.class);
    } finally {
      frame.release();
    }
  }

  @Test
  void malformedProtobufIsAProtocolViolation() {
    ByteBuf junk = Unpooled.directBuffer().writeBytes(new byte[] {0x0a, 0x7f, 1});
    try {
      assertThatThrownBy(() -> ProtobufFrames.parse(junk, Identify.parser()))
          .isInstanceOf(ProtocolViolationException.class);
    } finally {
      junk.release();
    }
  }
}
