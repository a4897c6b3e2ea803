package io.peerlink.relay.internal.holepunch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.Varint;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.internal.proto.HolePunchProtos.HolePunch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DcutrMessagesTest {
  private static final Multiaddr A = Multiaddr.parse("/ip4/203.0.113.2/tcp/4001");

  @Test
  void connectRoundTripsAndDropsRelayedAddresses() throws Exception {
    HolePunch msg = HolePunch.newBuilder().setType(HolePunch.Type.CONNECT)
        .addObsAddrs(ByteString.copyFrom(A.bytes()))
        .addObsAddrs(ByteString.copyFrom(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p-circuit").bytes()))
        .build();
    ByteBuf frame = Unpooled.wrappedBuffer(msg.toByteArray());
    try {
      DcutrMessages.Message m = DcutrMessages.parse(frame);
      assertThat(m.type()).isEqualTo(HolePunch.Type.CONNECT);
      assertThat(m.addrs()).containsExactly(A);
    } finally {
      frame.release();
    }
  }

  @Test
  void connectKeepsQuicAddressesBesideTcpOnesAndDropsOtherUdpOnes() throws Exception {
    Multiaddr quic = Multiaddr.parse("/ip4/203.0.113.2/udp/4001/quic-v1");
    HolePunch msg = HolePunch.newBuilder().setType(HolePunch.Type.CONNECT)
        .addObsAddrs(ByteString.copyFrom(A.bytes()))
        .addObsAddrs(ByteString.copyFrom(quic.bytes()))
        .addObsAddrs(ByteString.copyFrom(Multiaddr.parse("/ip4/203.0.113.2/udp/4001/quic").bytes()))
        .build();
    ByteBuf frame = Unpooled.wrappedBuffer(msg.toByteArray());
    try {
      assertThat(DcutrMessages.parse(frame).addrs()).containsExactly(A, quic);
    } finally {
      frame.release();
    }
  }

  @Test
  void syncHasNoAddresses() throws Exception {
    ByteBuf frame = DcutrMessages.sync();
    try {
      assertThat(DcutrMessages.parse(frame)).isEqualTo(new DcutrMessages.Message(HolePunch.Type.SYNC, List.of()));
    } finally {
      frame.release();
    }
  }

  @Test
  void refusesMalformedMissingTypeAndEmptyConnect() {
    ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 0x01, 0x02});
    ByteBuf noType = Unpooled.wrappedBuffer(new byte[] {0x12, 0x00}); // field 2 only: required type missing
    ByteBuf unknownType = Unpooled.wrappedBuffer(new byte[] {0x08, 0x07}); // type = 7
    ByteBuf emptyConnect = DcutrMessages.connect(List.of());
    try {
      assertThatThrownBy(() -> DcutrMessages.parse(garbage)).isInstanceOf(ProtocolViolationException.class);
      assertThatThrownBy(() -> DcutrMessages.parse(noType)).isInstanceOf(ProtocolViolationException.class);
      assertThatThrownBy(() -> DcutrMessages.parse(unknownType)).isInstanceOf(ProtocolViolationException.class);
      assertThatThrownBy(() -> DcutrMessages.parse(emptyConnect))
          .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("no direct TCP address");
    } finally {
      garbage.release();
      noType.release();
      unknownType.release();
      emptyConnect.release();
    }
  }

  @Test
  void refusesOversizedMessages() {
    ByteBuf big = Unpooled.wrappedBuffer(new byte[DcutrMessages.MAX_MESSAGE_BYTES + 1]);
    try {
      assertThatThrownBy(() -> DcutrMessages.parse(big)).isInstanceOf(LimitExceededException.class);
    } finally {
      big.release();
    }
  }

  @Test
  void streamFailsTheReadOnAnOversizedFrameAndCloses() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MessageStream<DcutrMessages.Message> s = DcutrMessages.stream(ch);
    CompletableFuture<DcutrMessages.Message> read = s.read(Duration.ofSeconds(5));
    ByteBuf prefix = Unpooled.buffer();
    Varint.write(prefix, DcutrMessages.MAX_MESSAGE_BYTES + 1);
    ch.writeInbound(prefix);
    assertThat(read).isCompletedExceptionally();
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void streamDeliversConnectThenSyncInOrder() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel();
    MessageStream<DcutrMessages.Message> s = DcutrMessages.stream(ch);
    s.write(DcutrMessages.connect(List.of(A)));
    ByteBuf written = Unpooled.buffer();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      written.writeBytes((ByteBuf) o);
      ((ByteBuf) o).release();
    }
    ByteBuf sync = Unpooled.buffer();
    Varint.write(sync, 3);
    sync.writeBytes(HolePunch.newBuilder().setType(HolePunch.Type.SYNC).build().toByteArray());
    ch.writeInbound(written, sync); // our own CONNECT echoed back, then a SYNC
    assertThat(s.read(Duration.ofSeconds(5)).get().addrs()).containsExactly(A);
    assertThat(s.read(Duration.ofSeconds(5)).get().type()).isEqualTo(HolePunch.Type.SYNC);
    ch.finishAndReleaseAll();
  }
}
