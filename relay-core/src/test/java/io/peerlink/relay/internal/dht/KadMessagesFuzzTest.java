package io.peerlink.relay.internal.dht;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerlink.core.PeerException;
import io.peerlink.relay.internal.proto.KadProtos.Message;

/**
 * Parses arbitrary bytes as a DHT message frame, as the server does with every request and the
 * client with every reply. Either it parses (a known type, and the peer lists read from it stay
 * within their caps), or it throws a {@link PeerException}; nothing else.
 *
 * <p>A plain test run replays the inputs under {@code KadMessagesFuzzTestInputs}; see
 * docs/testing.md, "Fuzzing", to fuzz.
 */
class KadMessagesFuzzTest {

  @FuzzTest
  void frame(byte[] data) {
    ByteBuf frame = Unpooled.wrappedBuffer(data);
    try {
      Message m = KadMessages.parse(frame, 64 * 1024);
      assertThat(m.getType()).isNotEqualTo(Message.MessageType.UNRECOGNIZED);
      assertThat(KadMessages.peers(m.getCloserPeersList())).hasSizeLessThanOrEqualTo(KadMessages.MAX_PEERS_PER_LIST)
          .allSatisfy(p -> assertThat(p.addrs()).hasSizeLessThanOrEqualTo(KadMessages.MAX_ADDRS_PER_PEER));
      assertThat(KadMessages.peers(m.getProviderPeersList())).hasSizeLessThanOrEqualTo(KadMessages.MAX_PEERS_PER_LIST);
    } catch (PeerException e) {
      // the documented refusal
    } finally {
      frame.release();
    }
  }
}
