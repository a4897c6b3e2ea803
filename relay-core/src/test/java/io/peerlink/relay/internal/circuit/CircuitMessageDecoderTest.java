package io.peerlink.relay.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitMessageDecoderTest {

  /** Collects what passes the decoder, copying buffers to bytes and releasing them. */
  static final class Sink extends ChannelInboundHandlerAdapter {
    final List<Object> items = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        items.add(new String(ByteBufUtil.getBytes(b), java.nio.charset.StandardCharsets.ISO_8859_1));
        b.release();
      } else {
        items.add(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }
  }

  @Test
  void oneMessageThenTrailingBytesInOrderAndDecoderGone() {
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(new CircuitMessageDecoder<>(StopMessage.parser()), sink);
    ByteBuf in = CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.stopStatus(RelayStatus.OK));
    in.writeBytes("/multistream/1.0.0\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    ch.writeInbound(in);
    ch.writeInbound(Unpooled.copiedBuffer(new byte[] {'x'}));
    assertThat(sink.items).hasSize(3);
    assertThat(((StopMessage) sink.items.get(0)).getType()).isEqualTo(StopMessage.Type.STATUS);
    assertThat(sink.items.get(1)).isEqualTo("/multistream/1.0.0\n");
    assertThat(sink.items.get(2)).isEqualTo("x");
    assertThat(ch.pipeline().get(CircuitMessageDecoder.class)).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void byteByByte() {
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(new CircuitMessageDecoder<>(HopMessage.parser()), sink);
    ByteBuf enc = CircuitMessages.encode(ByteBufAllocator.DEFAULT,
        CircuitMessages.hopConnect(Identity.generate().peerId()));
    while (enc.isReadable()) {
      ch.writeInbound(enc.readRetainedSlice(1));
    }
    enc.release();
    assertThat(sink.items).hasSize(1);
    assertThat(((HopMessage) sink.items.get(0)).getType()).isEqualTo(HopMessage.Type.CONNECT);
    ch.finishAndReleaseAll();
  }

  @Test
  void oversizedFailsOnceAndDiscardsTheRest() {
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(new CircuitMessageDecoder<>(HopMessage.parser()), sink);
    ByteBuf in = Unpooled.buffer();
    io.peerlink.core.internal.Varint.write(in, 5000);
    in.writeZero(100);
    ch.writeInbound(in);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[50]));
    assertThat(sink.items).isEmpty();
    assertThat(sink.errors).hasSize(1).first().isInstanceOf(CircuitMessageException.class);
    ch.finishAndReleaseAll();
  }

  @Test
  void malformedBodyFails() {
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(new CircuitMessageDecoder<>(HopMessage.parser()), sink);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {2, 0x12, 0x05}));
    assertThat(sink.errors).hasSize(1);
    assertThat(((CircuitMessageException) sink.errors.get(0)).status()).isEqualTo(RelayStatus.MALFORMED_MESSAGE);
    ch.finishAndReleaseAll();
  }

  @Test
  void twoMessagesNeedTwoDecoders() {
    Sink sink = new Sink();
    EmbeddedChannel ch = new EmbeddedChannel(new CircuitMessageDecoder<>(HopMessage.parser()), sink);
    ByteBuf both = Unpooled.buffer();
    ByteBuf a = CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.hopReserve());
    ByteBuf b = CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.hopStatus(RelayStatus.OK, null, null));
    both.writeBytes(a).writeBytes(b);
    a.release();
    b.release();
    ch.writeInbound(both);
    // The second message is not decoded: it is trailing bytes, passed on raw.
    assertThat(sink.items).hasSize(2);
    assertThat(sink.items.get(0)).isInstanceOf(HopMessage.class);
    assertThat(sink.items.get(1)).isInstanceOf(String.class);
    ch.finishAndReleaseAll();
  }
}
