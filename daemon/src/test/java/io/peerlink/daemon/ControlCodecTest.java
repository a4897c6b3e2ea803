package io.peerlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.spi.LengthPrefixedFrameDecoder;
import io.peerlink.daemon.internal.proto.ControlProtos.ConnManagerRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.ConnectRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.DHTRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.DisconnectRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.PeerstoreRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.Request;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;
import io.peerlink.daemon.internal.proto.ControlProtos.StreamHandlerRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.StreamOpenRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The control protocol's codec: each request type through the framing and the parser. */
class ControlCodecTest {
  private static final ByteString PEER = ByteString.copyFrom(new byte[] {0x00, 0x02, 0x08, 0x01});

  static List<Request> everyRequestType() {
    return List.of(
        Request.newBuilder().setType(Request.Type.IDENTIFY).build(),
        Request.newBuilder().setType(Request.Type.CONNECT).setConnect(ConnectRequest.newBuilder()
            .setPeer(PEER).addAddrs(ByteString.copyFrom(new byte[] {4, 127, 0, 0, 1})).setTimeout(5)).build(),
        Request.newBuilder().setType(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
            .setPeer(PEER).addProto("/echo/1.0.0").addProto("/other/1.0.0").setTimeout(3)).build(),
        Request.newBuilder().setType(Request.Type.STREAM_HANDLER).setStreamHandler(StreamHandlerRequest
            .newBuilder().setAddr(ByteString.copyFrom(new byte[] {4, 127, 0, 0, 1, 6, 0, 80})).addProto("/p")).build(),
        Request.newBuilder().setType(Request.Type.DHT).setDht(DHTRequest.newBuilder()
            .setType(DHTRequest.Type.PUT_VALUE).setKey(ByteString.copyFromUtf8("/pk/x"))
            .setValue(ByteString.copyFromUtf8("v")).setCount(20).setTimeout(1)).build(),
        Request.newBuilder().setType(Request.Type.LIST_PEERS).build(),
        Request.newBuilder().setType(Request.Type.CONNMANAGER).setConnManager(ConnManagerRequest.newBuilder()
            .setType(ConnManagerRequest.Type.TAG_PEER).setPeer(PEER).setTag("t").setWeight(5)).build(),
        Request.newBuilder().setType(Request.Type.DISCONNECT)
            .setDisconnect(DisconnectRequest.newBuilder().setPeer(PEER)).build(),
        Request.newBuilder().setType(Request.Type.PUBSUB).build(),
        Request.newBuilder().setType(Request.Type.PEERSTORE).setPeerStore(PeerstoreRequest.newBuilder()
            .setType(PeerstoreRequest.Type.GET_PROTOCOLS).setId(PEER).addProtos("/p")).build());
  }

  @Test
  void everyTypeIsCovered() {
    assertThat(everyRequestType()).map(Request::getType).containsExactlyInAnyOrder(Request.Type.values());
  }

  @ParameterizedTest
  @MethodSource("everyRequestType")
  void everyRequestTypeSurvivesFramingAndParsing(Request request) throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(LengthPrefixedFrameDecoder.oneFrame("daemon control", 4 << 20));
    ByteBuf wire = ControlCodec.encode(ByteBufAllocator.DEFAULT, request, 4 << 20);
    // Byte by byte: the decoder must wait for the whole frame.
    while (wire.isReadable()) {
      ch.writeInbound(wire.readRetainedSlice(1));
    }
    wire.release();
    ByteBuf frame = ch.readInbound();
    try {
      assertThat(ControlCodec.parseRequest(frame)).isEqualTo(request);
    } finally {
      frame.release();
    }
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aRequestWithoutTypeIsIdentify() throws Exception {
    assertThat(ControlCodec.parseRequest(Unpooled.EMPTY_BUFFER).getType()).isEqualTo(Request.Type.IDENTIFY);
  }

  @Test
  void anUnknownTypeIsMalformed() {
    ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {0x08, 42});
    assertThatThrownBy(() -> ControlCodec.parseRequest(frame))
        .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("unknown request type");
    frame.release();
  }

  @Test
  void bytesThatAreNoRequestAreMalformed() {
    ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertThatThrownBy(() -> ControlCodec.parseRequest(frame)).isInstanceOf(ProtocolViolationException.class);
    frame.release();
  }

  @Test
  void aTruncatedFieldIsMalformed() {
    byte[] whole = everyRequestType().get(1).toByteArray();
    ByteBuf frame = Unpooled.wrappedBuffer(whole, 0, whole.length - 2);
    assertThatThrownBy(() -> ControlCodec.parseRequest(frame)).isInstanceOf(ProtocolViolationException.class);
    frame.release();
  }

  @Test
  void anOversizedLengthPrefixIsRefusedBeforeTheBodyArrives() {
    EmbeddedChannel ch = new EmbeddedChannel(LengthPrefixedFrameDecoder.oneFrame("daemon control", 4 << 20));
    // uvarint(4 MiB + 1), and no body at all.
    assertThatThrownBy(() -> ch.writeInbound(
        Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, (byte) 0x80, (byte) 0x80, 0x02})))
        .isInstanceOf(LimitExceededException.class);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void responsesAreLengthPrefixedAndBounded() throws Exception {
    Response error = ControlCodec.error("no");
    ByteBuf wire = ControlCodec.encode(ByteBufAllocator.DEFAULT, error, 1024);
    try {
      assertThat(wire.readByte()).isEqualTo((byte) error.getSerializedSize());
      assertThat(Response.parseFrom(wire.nioBuffer())).isEqualTo(error);
    } finally {
      wire.release();
    }
    assertThat(ControlCodec.ok().getType()).isEqualTo(Response.Type.OK);
    assertThatThrownBy(() -> ControlCodec.encode(ByteBufAllocator.DEFAULT, ControlCodec.error("x".repeat(100)), 10))
        .isInstanceOf(IllegalStateException.class);
  }
}
