package io.peerlink.relay.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.internal.proto.CircuitProtos;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.Reservation;
import io.peerlink.relay.internal.proto.CircuitProtos.Status;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class CircuitMessagesTest {

  private static final PeerId PEER = Identity.generate().peerId();

  private static HopMessage hop(MessageLite msg) {
    return CircuitMessageReaderTest.roundTrip(msg, CircuitMessageReader::addHopReader);
  }

  private static StopMessage stop(MessageLite msg) {
    return CircuitMessageReaderTest.roundTrip(msg, CircuitMessageReader::addStopReader);
  }

  @Test
  void everyHopMessageRoundTrips() throws Exception {
    assertThat(hop(CircuitMessages.hopReserve()).getType())
        .isEqualTo(HopMessage.Type.RESERVE);
    HopMessage connect = hop(CircuitMessages.hopConnect(PEER));
    assertThat(connect.getType()).isEqualTo(HopMessage.Type.CONNECT);
    assertThat(CircuitMessages.peerId(connect.getPeer())).isEqualTo(PEER);
    Reservation rsvp = Reservation.newBuilder().setExpire(1_700_000_000L)
        .addAddrs(ByteString.copyFrom(new byte[] {4, 127, 0, 0, 1})).build();
    HopMessage status = hop(
        CircuitMessages.hopStatus(RelayStatus.OK, rsvp, new CircuitLimit(120, 131072)));
    assertThat(status.getStatus()).isEqualTo(Status.OK);
    assertThat(status.getReservation().getExpire()).isEqualTo(1_700_000_000L);
    assertThat(CircuitLimit.fromProto(status.getLimit())).isEqualTo(new CircuitLimit(120, 131072));
  }

  @Test
  void reserveWritesTypeZeroExplicitly() {
    ByteBuf buf = CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.hopReserve());
    try {
      // uvarint(2) 08 00: the type field has presence (proto2), so RESERVE = 0 is still written, as go does
      assertThat(ByteBufUtil.getBytes(buf)).containsExactly(2, 0x08, 0x00);
    } finally {
      buf.release();
    }
  }

  @Test
  void everyStatusRoundTripsOnHopAndStop() throws Exception {
    for (RelayStatus s : EnumSet.complementOf(EnumSet.of(RelayStatus.UNUSED))) {
      HopMessage hop = hop(CircuitMessages.hopStatus(s, null, null));
      assertThat(CircuitMessages.fromProto(hop.getStatus())).isEqualTo(s);
      assertThat(hop.hasLimit()).isFalse();
      StopMessage stop = stop(CircuitMessages.stopStatus(s));
      assertThat(stop.getType()).isEqualTo(StopMessage.Type.STATUS);
      assertThat(CircuitMessages.fromProto(stop.getStatus())).isEqualTo(s);
      assertThat(RelayStatus.fromCode(s.code())).isEqualTo(s);
      assertThat(CircuitMessages.toProto(s).getNumber()).isEqualTo(s.code());
    }
    assertThat(RelayStatus.fromCode(999)).isNull();
  }

  @Test
  void stopConnectCarriesSourceAndLimit() throws Exception {
    StopMessage m = stop(CircuitMessages.stopConnect(PEER, new CircuitLimit(0, 10)));
    assertThat(m.getType()).isEqualTo(StopMessage.Type.CONNECT);
    assertThat(CircuitMessages.peerId(m.getPeer())).isEqualTo(PEER);
    assertThat(m.getLimit().getData()).isEqualTo(10);
    StopMessage unlimited = stop(CircuitMessages.stopConnect(PEER, CircuitLimit.UNLIMITED));
    assertThat(unlimited.hasLimit()).isFalse();
    assertThat(CircuitLimit.fromProto(null)).isEqualTo(CircuitLimit.UNLIMITED);
  }

  @Test
  void encodingRefusesMoreThanMaxSize() {
    // a peer with 4096 - overhead bytes of addrs: exactly the limit encodes, one byte more does not
    HopMessage.Builder b = HopMessage.newBuilder().setType(HopMessage.Type.CONNECT);
    int pad = 4096 - 2 - 3 - 3; // type(2) + peer tag/len(3) + addr tag/len(3)
    b.setPeer(CircuitProtos.Peer.newBuilder()
        .addAddrs(ByteString.copyFrom(new byte[pad])));
    HopMessage msg = b.build();
    assertThat(msg.getSerializedSize()).isEqualTo(4096);
    assertThat(hop(msg)).isEqualTo(msg);
    b.getPeerBuilder().setAddrs(0, ByteString.copyFrom(new byte[pad + 1]));
    assertThatThrownBy(() -> CircuitMessages.encode(ByteBufAllocator.DEFAULT, b.build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void missingOrInvalidPeerIdIsMalformed() {
    assertThatThrownBy(() -> CircuitMessages.peerId(
        CircuitProtos.Peer.getDefaultInstance()))
        .isInstanceOf(CircuitMessageException.class);
    assertThatThrownBy(() -> CircuitMessages.peerId(
        CircuitProtos.Peer.newBuilder()
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
