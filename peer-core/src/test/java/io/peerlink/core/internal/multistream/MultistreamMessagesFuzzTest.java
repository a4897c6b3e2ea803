package io.peerlink.core.internal.multistream;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerlink.core.ProtocolViolationException;

/**
 * Reads arbitrary bytes as a sequence of multistream-select messages, as both negotiation sides do
 * with what the remote sends.
 *
 * <p>Each read either returns a line (having consumed it), asks for more bytes (consuming
 * nothing), or throws {@link ProtocolViolationException}; nothing else may escape. A plain test
 * run replays the inputs under {@code MultistreamMessagesFuzzTestInputs}; see docs/testing.md,
 * "Fuzzing", to fuzz.
 */
class MultistreamMessagesFuzzTest {

  @FuzzTest
  void messages(byte[] data) {
    ByteBuf in = Unpooled.wrappedBuffer(data);
    try {
      while (in.isReadable()) {
        int before = in.readerIndex();
        String line;
        try {
          line = MultistreamMessages.tryRead(in);
        } catch (ProtocolViolationException e) {
          return; // the documented refusal
        }
        if (line == null) {
          assertThat(in.readerIndex()).isEqualTo(before);
          return;
        }
        assertThat(in.readerIndex()).isGreaterThan(before);
        assertThat(in.readerIndex() - before).isLessThanOrEqualTo(MultistreamMessages.MAX_MESSAGE_BYTES + 2);
      }
    } finally {
      in.release();
    }
  }
}
