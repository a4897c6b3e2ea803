package io.peerlink.relay.internal.holepunch;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerlink.core.PeerException;
import io.peerlink.relay.internal.proto.HolePunchProtos.HolePunch;

/**
 * Parses arbitrary bytes as a DCUtR message frame, as both sides of a hole punch do with what the
 * other sends. Either it parses (a CONNECT then holds 1 to {@link DcutrMessages#MAX_ADDRS} direct
 * addresses without a peer ID), or it throws a {@link PeerException}; nothing else.
 *
 * <p>A plain test run replays the inputs under {@code DcutrMessagesFuzzTestInputs}; see
 * docs/testing.md, "Fuzzing", to fuzz.
 */
class DcutrMessagesFuzzTest {

  @FuzzTest
  void frame(byte[] data) {
    ByteBuf frame = Unpooled.wrappedBuffer(data);
    try {
      DcutrMessages.Message message = DcutrMessages.parse(frame);
      if (message.type() == HolePunch.Type.CONNECT) {
        assertThat(message.addrs()).hasSizeBetween(1, DcutrMessages.MAX_ADDRS);
        assertThat(message.addrs()).allSatisfy(a -> assertThat(a.peerId()).isEmpty());
      }
    } catch (PeerException e) {
      // the documented refusal
    } finally {
      frame.release();
    }
  }
}
