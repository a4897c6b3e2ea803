package io.peerlink.relay.internal.autonat;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerlink.core.PeerException;
import io.peerlink.relay.internal.proto.AutoNatProtos.Message;

/**
 * Parses arbitrary bytes as an AutoNAT message frame and reads it as the server reads a dial
 * request and the client a dial response. The parse either succeeds or throws a
 * {@link PeerException}; the readers skip what they cannot use (an unreadable peer ID or address)
 * and throw nothing.
 *
 * <p>A plain test run replays the inputs under {@code AutoNatMessagesFuzzTestInputs}; see
 * docs/testing.md, "Fuzzing", to fuzz.
 */
class AutoNatMessagesFuzzTest {

  @FuzzTest
  void frame(byte[] data) {
    ByteBuf frame = Unpooled.wrappedBuffer(data);
    Message message;
    try {
      message = AutoNatMessages.parse(frame);
    } catch (PeerException e) {
      return; // the documented refusal
    } finally {
      frame.release();
    }
    AutoNatMessages.Request request = AutoNatMessages.request(message);
    if (request != null) {
      assertThat(request.addrs()).hasSizeLessThanOrEqualTo(AutoNatMessages.MAX_ADDRS);
    }
    AutoNatMessages.response(message);
  }
}
