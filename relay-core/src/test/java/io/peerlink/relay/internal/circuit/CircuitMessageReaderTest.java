package io.peerlink.relay.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.Varint;
import io.peerlink.core.spi.LengthPrefixedFrameDecoder;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.Peer;
import io.peerlink.relay.internal.proto.CircuitProtos.Status;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The one hop or stop message at the head of a relay stream: peer-core's one-frame decoder plus
 * the circuit reader, with the bytes after the message passed on raw.
 */
class CircuitMessageReaderTest {

  /** Collects what passes the reader, copying buffers to strings and releasing them. */
  static final class Sink extends ChannelInboundHandlerAdapter {
    final List<Object> items = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        items.add(new String(ByteBufUtil.getBytes(b), StandardCharsets.ISO_8859_1));
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

  private static EmbeddedChannel channel(Consumer<ChannelPipeline> reader, Sink sink) {
    EmbeddedChannel ch = new EmbeddedChannel();
    reader.accept(ch.pipeline());
    ch.pipeline().addLast(sink);
    return ch;
  }

  private static EmbeddedChannel hop(Sink sink) {
    return channel(CircuitMessageReader::addHopReader, sink);
  }

  /**
   * Encodes {@code msg} and reads it back through a reader; asserts nothing but the message came
   * out (every byte of the encoding was consumed).
   */
  @SuppressWarnings("unchecked")
  static <T extends MessageLite> T roundTrip(MessageLite msg, Consumer<ChannelPipeline> reader) {
    Sink sink = new Sink();
    EmbeddedChannel ch = channel(reader, sink);
    ch.writeInbound(CircuitMessages.encode(ByteBufAllocator.DEFAULT, msg));
    assertThat(sink.errors).isEmpty();
    assertThat(sink.items).hasSize(1);
    assertThat(ch.finish()).isFalse();
    return (T) sink.items.get(0);
  }

  @Test
  void oneMessageThenTrailingBytesInOrderAndReaderGone() {
    Sink sink = new Sink();
    EmbeddedChannel ch = channel(CircuitMessageReader::addStopReader, sink);
    ByteBuf in = CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.stopStatus(RelayStatus.OK));
    in.writeBytes("/multistream/1.0.0\n".getBytes(StandardCharsets.US_ASCII));
    ch.writeInbound(in);
    ch.writeInbound(Unpooled.copiedBuffer(new byte[] {'x'}));
    assertThat(sink.items).hasSize(3);
    assertThat(((StopMessage) sink.items.get(0)).getType()).isEqualTo(StopMessage.Type.STATUS);
    assertThat(sink.items.get(1)).isEqualTo("/multistream/1.0.0\n");
    assertThat(sink.items.get(2)).isEqualTo("x");
    assertThat(ch.pipeline().get(CircuitMessageReader.class)).isNull();
    assertThat(ch.pipeline().get(LengthPrefixedFrameDecoder.class)).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void byteByByte() {
    Sink sink = new Sink();
    EmbeddedChannel ch = hop(sink);
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
  void partialInputGivesNothingUntilTheMessageIsWhole() {
    Sink sink = new Sink();
    EmbeddedChannel ch = hop(sink);
    ByteBuf full = CircuitMessages.encode(ByteBufAllocator.DEFAULT,
        CircuitMessages.hopConnect(Identity.generate().peerId()));
    int n = full.readableBytes();
    ch.writeInbound(full.readRetainedSlice(n - 1));
    assertThat(sink.items).isEmpty();
    assertThat(sink.errors).isEmpty();
    ch.writeInbound(full);
    assertThat(sink.items).hasSize(1).first().isInstanceOf(HopMessage.class);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void exactReadLeavesTrailingBytes() {
    Sink sink = new Sink();
    EmbeddedChannel ch = channel(CircuitMessageReader::addStopReader, sink);
    ByteBuf buf = CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.stopStatus(RelayStatus.OK));
    buf.writeBytes(new byte[] {'/', 'm', 's'});
    ch.writeInbound(buf);
    assertThat(((StopMessage) sink.items.get(0)).getStatus()).isEqualTo(Status.OK);
    assertThat(sink.items.get(1)).isEqualTo("/ms");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void oversizedFailsOnceAndDiscardsTheRest() {
    Sink sink = new Sink();
    EmbeddedChannel ch = hop(sink);
    ByteBuf in = Unpooled.buffer();
    Varint.write(in, 5000);
    in.writeZero(100);
    ch.writeInbound(in);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[50]));
    assertThat(sink.items).isEmpty();
    assertThat(sink.errors).hasSize(1).first().isInstanceOf(CircuitMessageException.class);
    assertThat(ch.isOpen()).as("the handler behind answers before closing").isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void oversizedLengthRejectedBeforeTheBodyArrives() {
    Sink sink = new Sink();
    EmbeddedChannel ch = hop(sink);
    ByteBuf buf = Unpooled.buffer();
    Varint.write(buf, 4097);
    ch.writeInbound(buf);
    assertThat(sink.errors).singleElement().isInstanceOf(CircuitMessageException.class)
        .satisfies(e -> assertThat(((CircuitMessageException) e).status()).isEqualTo(RelayStatus.MALFORMED_MESSAGE))
        .satisfies(e -> assertThat(e.getMessage()).contains("circuit relay hop").contains("4096"));
    ch.finishAndReleaseAll();
  }

  @Test
  void theBoundIsTheConfiguredOne() {
    Sink sink = new Sink();
    EmbeddedChannel ch = channel(p -> CircuitMessageReader.addHopReader(p, 64), sink);
    ByteBuf buf = Unpooled.buffer();
    Varint.write(buf, 65);
    ch.writeInbound(buf);
    assertThat(sink.errors).singleElement().isInstanceOf(CircuitMessageException.class);
    ch.finishAndReleaseAll();
    assertThatThrownBy(() -> CircuitMessageReader.addHopReader(new EmbeddedChannel().pipeline(), 4097))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CircuitMessageReader.addStopReader(new EmbeddedChannel().pipeline(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exactlyMaxSizeAccepted() {
    // a peer with 4096 - overhead bytes of addrs
    HopMessage.Builder b = HopMessage.newBuilder().setType(HopMessage.Type.CONNECT);
    int pad = 4096 - 2 - 3 - 3; // type(2) + peer tag/len(3) + addr tag/len(3)
    b.setPeer(Peer.newBuilder().addAddrs(ByteString.copyFrom(new byte[pad])));
    HopMessage msg = b.build();
    assertThat(msg.getSerializedSize()).isEqualTo(4096);
    HopMessage back = roundTrip(msg, CircuitMessageReader::addHopReader);
    assertThat(back).isEqualTo(msg);
  }

  @Test
  void malformedBodyFails() {
    Sink sink = new Sink();
    EmbeddedChannel ch = hop(sink);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {2, 0x12, 0x05}));
    assertThat(sink.errors).hasSize(1);
    assertThat(((CircuitMessageException) sink.errors.get(0)).status()).isEqualTo(RelayStatus.MALFORMED_MESSAGE);
    ch.finishAndReleaseAll();
  }

  @Test
  void malformedInputsAreMalformedMessage() {
    byte[][] inputs = {
        {3, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},   // truncated varint inside the protobuf
        {2, 0x12, 0x05},                               // field 2 length past the end
        {(byte) 0x80, 0x00},                           // non-minimal length varint
        {1, 0x0F},                                     // wire type 7 is invalid
    };
    for (byte[] input : inputs) {
      Sink sink = new Sink();
      EmbeddedChannel ch = hop(sink);
      ch.writeInbound(Unpooled.wrappedBuffer(input));
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
      assertThat(sink.errors).as("input %s", Arrays.toString(input)).singleElement()
          .isInstanceOf(CircuitMessageException.class)
          .satisfies(e -> assertThat(((CircuitMessageException) e).status()).isEqualTo(RelayStatus.MALFORMED_MESSAGE));
      assertThat(sink.items).as("nothing after bad input passes: input %s", Arrays.toString(input)).isEmpty();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void twoMessagesNeedTwoReaders() {
    Sink sink = new Sink();
    EmbeddedChannel ch = hop(sink);
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

  @Test
  void theStreamEndingInsideTheMessageIsLeftToTheHandlerBehind() {
    Sink sink = new Sink();
    EmbeddedChannel ch = hop(sink);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {5, 1, 2}));
    ch.close();
    assertThat(sink.errors).isEmpty();
    assertThat(sink.items).isEmpty();
    ch.finishAndReleaseAll();
  }
}
