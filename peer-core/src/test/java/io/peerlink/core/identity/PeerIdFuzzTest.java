package io.peerlink.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Parses arbitrary bytes as a binary peer ID (a multihash, as relay and AutoNAT messages carry it)
 * and as text (base58 or a CID). Either it parses, and then survives a round trip and yields its
 * embedded key if it has a valid one, or it throws {@link IllegalArgumentException}; nothing else.
 *
 * <p>A plain test run replays the inputs under {@code PeerIdFuzzTestInputs}; see docs/testing.md,
 * "Fuzzing", to fuzz.
 */
class PeerIdFuzzTest {

  @FuzzTest
  void fromBytes(byte[] data) {
    PeerId id;
    try {
      id = PeerId.fromBytes(data);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(PeerId.fromBytes(id.bytes())).isEqualTo(id);
    assertThat(PeerId.parse(id.toString())).isEqualTo(id);
    assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
    id.publicKey().ifPresent(key -> assertThat(id.matches(key)).isTrue());
  }

  @FuzzTest
  void parse(byte[] data) {
    PeerId id;
    try {
      id = PeerId.parse(new String(data, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(PeerId.fromBytes(id.bytes())).isEqualTo(id);
    assertThat(PeerId.parse(id.toString())).isEqualTo(id);
  }
}
