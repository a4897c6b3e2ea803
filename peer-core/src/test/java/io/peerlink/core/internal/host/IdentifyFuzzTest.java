package io.peerlink.core.internal.host;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.proto.IdentifyProtos.Identify;
import java.security.InvalidKeyException;
import java.util.HexFormat;

/**
 * Parses arbitrary bytes as an identify message from a connected peer and converts it as the host
 * does: the protobuf, the public key checked against the peer, the listen and observed addresses.
 * Either it converts, or the parse fails with {@link InvalidProtocolBufferException} or the
 * conversion with a {@link PeerException}; nothing else. The framing in front of it is fuzzed by
 * {@code LengthPrefixedFrameDecoderFuzzTest}.
 *
 * <p>The remote is a fixed Ed25519 identity, so inputs carrying its public key get past the key
 * check. A plain test run replays the inputs under {@code IdentifyFuzzTestInputs}; see
 * docs/testing.md, "Fuzzing", to fuzz.
 */
class IdentifyFuzzTest {
  /** The private key protobuf of the remote the inputs speak for. */
  static final String REMOTE_KEY_HEX = "08011240150bf4e1e776ca8048437350cf65d3a401bf8ead8a7e47c8b1c93fc6bdbd6e4e83279d91028f56ca97a0f380b12c054ea71497d83b2b4b3328289b36d80fbd25";
  static final Identity REMOTE = remote();

  @FuzzTest
  void message(byte[] data) {
    Identify msg;
    try {
      msg = Identify.newBuilder().mergeFrom(data).build();
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    try {
      IdentifyProtocol.toInfo(REMOTE.peerId(), msg);
    } catch (PeerException e) {
      // the documented refusal
    }
  }

  private static Identity remote() {
    try {
      return Identity.fromProtobuf(HexFormat.of().parseHex(REMOTE_KEY_HEX));
    } catch (InvalidKeyException e) {
      throw new AssertionError(e);
    }
  }
}
