package io.peerlink.relay.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.Limit;
import io.peerlink.relay.internal.proto.CircuitProtos.Peer;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds arbitrary bytes to the reader of the message a hop or stop stream starts with, then reads
 * the fields a relay or a relay client takes from it (the peer ID, the limit, the voucher).
 *
 * <p>The first input byte picks the stream (its top bit: stop, else hop) and the size of the reads
 * the rest is split into. The reader must pass on at most one message and then the raw bytes, or
 * fail once with a {@link CircuitMessageException}; the fields must read or fail with
 * {@link CircuitMessageException} or {@link ProtocolViolationException}; every buffer must be
 * released. A plain test run replays the inputs under {@code CircuitMessageReaderFuzzTestInputs};
 * see docs/testing.md, "Fuzzing", to fuzz.
 */
class CircuitMessageReaderFuzzTest {

  @FuzzTest
  void firstMessage(byte[] data) throws Exception {
    if (data.length == 0) {
      return;
    }
    boolean stop = (data[0] & 0x80) != 0;
    int readSize = 1 + (data[0] & 0x7F);
    List<Throwable> errors = new ArrayList<>();
    EmbeddedChannel channel = new EmbeddedChannel();
    if (stop) {
      CircuitMessageReader.addStopReader(channel.pipeline());
    } else {
      CircuitMessageReader.addHopReader(channel.pipeline());
    }
    channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.add(cause);
      }
    });
    for (int i = 1; i < data.length && channel.isOpen(); i += readSize) {
      channel.writeInbound(Unpooled.copiedBuffer(data, i, Math.min(readSize, data.length - i)));
    }
    channel.finish();
    List<Object> messages = new ArrayList<>();
    for (Object m; (m = channel.readInbound()) != null; ) {
      if (m instanceof ByteBuf raw) {
        raw.release(); // the relayed bytes after the message
      } else {
        messages.add(m);
      }
    }
    assertThat(messages).hasSizeLessThanOrEqualTo(1);
    assertThat(errors).hasSizeLessThanOrEqualTo(1);
    assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(CircuitMessageException.class));
    for (Object m : messages) {
      if (m instanceof HopMessage hop) {
        readFields(hop.hasPeer() ? hop.getPeer() : null, hop.hasLimit() ? hop.getLimit() : null);
        if (hop.hasReservation() && hop.getReservation().hasVoucher()) {
          try {
            ReservationVouchers.open(hop.getReservation().getVoucher().toByteArray());
          } catch (ProtocolViolationException e) {
            // the documented refusal
          }
        }
      } else {
        StopMessage stopMessage = (StopMessage) m;
        readFields(stopMessage.hasPeer() ? stopMessage.getPeer() : null,
            stopMessage.hasLimit() ? stopMessage.getLimit() : null);
      }
    }
  }

  private static void readFields(Peer peer, Limit limit) {
    try {
      CircuitMessages.peerId(peer);
    } catch (CircuitMessageException e) {
      // the documented refusal
    }
    CircuitLimit.fromProto(limit);
  }
}
