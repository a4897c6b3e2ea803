package io.peerlink.relay.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.Reservation;
import io.peerlink.relay.internal.proto.CircuitProtos.Status;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class CircuitMessagesTest {

  private static final PeerId PEER = Identity.generate().peerId();

  private static <T extends com.google.protobuf.MessageLite> T roundTrip(
      com.google.protobuf.MessageLite msg, com.google.protobuf.Parser<T> parser) throws Exception {
    ByteBuf buf = CircuitMessages.encode(ByteBufAllocator.DEFAULT, msg);
    try {
      T back = CircuitMessages.tryDecode(buf, parser, CircuitMessages.MAX_MESSAGE_SIZE);
      assertThat(buf.isReadable()).isFalse();
      return back;
    } finally {
      buf.release();
    }
  }

  @Test
  void everyHopMessageRoundTrips() throws Exception {
    assertThat(roundTrip(CircuitMessages.hopReserve(), HopMessage.parser()).getType())
        .isEqualTo(HopMessage.Type.RESERVE);
    HopMessage connect = roundTrip(CircuitMessages.hopConnect(PEER), HopMessage.parser());
    assertThat(connect.getType()).isEqualTo(HopMessage.Type.CONNECT);
    assertThat(CircuitMessages.peerId(connect.getPeer())).isEqualTo(PEER);
    Reservation rsvp = Reservation.newBuilder().setExpire(1_700_000_000L)
        .addAddrs(ByteString.copyFrom(new byte[] {4, 127, 0, 0, 1})).build();
    HopMessage status = roundTrip(
        CircuitMessages.hopStatus(RelayStatus.OK, rsvp, new CircuitLimit(120, 131072)), HopMessage.parser());
    assertThat(status.getStatus()).isEqualTo(Status.OK);
    assertThat(status.getReservation().getExpire()).isEqualTo(1_700_000_000L);
    assertThat(CircuitLimit.fromProto(status.getLimit())).isEqualTo(new CircuitLimit(120, 131072));
  }

  @Test
  void reserveWritesTypeZeroExplicitly() {
    ByteBuf buf = CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.hopReserve());
    try {
      // uvarint(2) 08 00: the enum value 0 is still written (checklist 1.3)
      assertThat(io.netty.buffer.ByteBufUtil.getBytes(buf)).containsExactly(2, 0x08, 0x00);
    } finally {
      buf.release();
    }
  }

  @Test
  void everyStatusRoundTripsOnHopAndStop() throws Exception {
    for (RelayStatus s : EnumSet.complementOf(EnumSet.of(RelayStatus.UNUSED))) {
      HopMessage hop = roundTrip(CircuitMessages.hopStatus(s, null, null), HopMessage.parser());
      assertThat(CircuitMessages.fromProto(hop.getStatus())).isEqualTo(s);
      assertThat(hop.hasLimit()).isFalse();
      StopMessage stop = roundTrip(CircuitMessages.stopStatus(s), StopMessage.parser());
      assertThat(stop.getType()).isEqualTo(StopMessage.Type.STATUS);
      assertThat(CircuitMessages.fromProto(stop.getStatus())).isEqualTo(s);
      assertThat(RelayStatus.fromCode(s.code())).isEqualTo(s);
      assertThat(CircuitMessages.toProto(s).getNumber()).isEqualTo(s.code());
    }
    assertThat(RelayStatus.fromCode(999)).isNull();
  }

  @Test
  void stopConnectCarriesSourceAndLimit() throws Exception {
    StopMessage m = roundTrip(CircuitMessages.stopConnect(PEER, new CircuitLimit(0, 10)), StopMessage.parser());
    assertThat(m.getType()).isEqualTo(StopMessage.Type.CONNECT);
    assertThat(CircuitMessages.peerId(m.getPeer())).isEqualTo(PEER);
    assertThat(m.getLimit().getData()).isEqualTo(10);
    StopMessage unlimited = roundTrip(CircuitMessages.stopConnect(PEER, CircuitLimit.UNLIMITED), StopMessage.parser());
    assertThat(unlimited.hasLimit()).isFalse();
    assertThat(CircuitLimit.fromProto(null)).isEqualTo(CircuitLimit.UNLIMITED);
  }

  @Test
  void partialInputConsumesNothing() throws Exception {
    ByteBuf full = CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.hopConnect(PEER));
    ByteBuf partial = full.retainedSlice(0, full.readableBytes() - 1);
    try {
      assertThat(CircuitMessages.tryDecode(partial, HopMessage.parser(), 4096)).isNull();
      assertThat(partial.readerIndex()).isZero();
    } finally {
      partial.release();
      full.release();
    }
  }

  @Test
  void exactReadLeavesTrailingBytes() throws Exception {
    ByteBuf buf = CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.stopStatus(RelayStatus.OK));
    buf.writeBytes(new byte[] {'/', 'm', 's'});
    try {
      StopMessage m = CircuitMessages.tryDecode(buf, StopMessage.parser(), 4096);
      assertThat(m.getStatus()).isEqualTo(Status.OK);
      assertThat(buf.readableBytes()).isEqualTo(3);
      assertThat(buf.readByte()).isEqualTo((byte) '/');
    } finally {
      buf.release();
    }
  }

  @Test
  void oversizedLengthRejectedBeforeTheBodyArrives() {
    ByteBuf buf = Unpooled.buffer();
    io.peerlink.core.internal.Varint.write(buf, 4097);
    try {
      assertThatThrownBy(() -> CircuitMessages.tryDecode(buf, HopMessage.parser(), 4096))
          .isInstanceOf(CircuitMessageException.class)
          .satisfies(e -> assertThat(((CircuitMessageException) e).status()).isEqualTo(RelayStatus.MALFORMED_MESSAGE));
    } finally {
      buf.release();
    }
  }

  @Test
  void exactlyMaxSizeAccepted() throws Exception {
    // a peer with 4096 - overhead bytes of addrs
    HopMessage.Builder b = HopMessage.newBuilder().setType(HopMessage.Type.CONNECT);
    int pad = 4096 - 2 - 3 - 3; // type(2) + peer tag/len(3) + addr tag/len(3)
    b.setPeer(io.peerlink.relay.internal.proto.CircuitProtos.Peer.newBuilder()
        .addAddrs(ByteString.copyFrom(new byte[pad])));
    HopMessage msg = b.build();
    assertThat(msg.getSerializedSize()).isEqualTo(4096);
    assertThat(roundTrip(msg, HopMessage.parser())).isEqualTo(msg);
    b.getPeerBuilder().setAddrs(0, ByteString.copyFrom(new byte[pad + 1]));
    assertThatThrownBy(() -> CircuitMessages.encode(ByteBufAllocator.DEFAULT, b.build()))
        .isInstanceOf(IllegalArgumentException.class);
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
      ByteBuf buf = Unpooled.wrappedBuffer(input);
      try {
        assertThatThrownBy(() -> CircuitMessages.tryDecode(buf, HopMessage.parser(), 4096))
            .as("input %s", java.util.Arrays.toString(input))
            .isInstanceOf(CircuitMessageException.class);
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void missingOrInvalidPeerIdIsMalformed() {
    assertThatThrownBy(() -> CircuitMessages.peerId(
        io.peerlink.relay.internal.proto.CircuitProtos.Peer.getDefaultInstance()))
        .isInstanceOf(CircuitMessageException.class);
    assertThatThrownBy(() -> CircuitMessages.peerId(
        io.peerlink.relay.internal.proto.CircuitProtos.Peer.newBuilder()
            .setId(ByteString.copyFrom(new byte[] {0x12, 0x20, 1})).build()))
        .isInstanceOf(CircuitMessageException.class);
  }

  @Test
  void limitBounds() {
    assertThatThrownBy(() -> new CircuitLimit(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CircuitLimit(CircuitLimit.MAX_DURATION_SECONDS + 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    CircuitLimit big = new CircuitLimit(CircuitLimit.MAX_DURATION_SECONDS, Long.MAX_VALUE);
    assertThat(CircuitLimit.fromProto(big.toProto())).isEqualTo(big);
  }
}
