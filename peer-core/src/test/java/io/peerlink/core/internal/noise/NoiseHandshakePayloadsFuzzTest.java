package io.peerlink.core.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerlink.core.HandshakeException;

/**
 * Decodes arbitrary bytes as the remote's Noise handshake payload (its identity key, the signature
 * over its static key, the muxer extension) and verifies it against a fixed static key. Either it
 * verifies, naming the peer its key derives, or it throws {@link HandshakeException}; nothing else.
 *
 * <p>The inputs were made with a fixed Ed25519 identity over {@link #STATIC_KEY}, so valid ones
 * reach signature verification. A plain test run replays the inputs under
 * {@code NoiseHandshakePayloadsFuzzTestInputs}; see docs/testing.md, "Fuzzing", to fuzz.
 */
class NoiseHandshakePayloadsFuzzTest {
  /** The remote's X25519 static key that the inputs' signatures cover: bytes 0 to 31. */
  static final byte[] STATIC_KEY = staticKey();

  @FuzzTest
  void remotePayload(byte[] data) {
    NoiseHandshakePayloads.RemoteIdentity remote;
    try {
      remote = NoiseHandshakePayloads.verify(data, STATIC_KEY);
    } catch (HandshakeException e) {
      return;
    }
    assertThat(remote.peerId()).isEqualTo(remote.key().peerId());
  }

  private static byte[] staticKey() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) i;
    }
    return key;
  }
}
