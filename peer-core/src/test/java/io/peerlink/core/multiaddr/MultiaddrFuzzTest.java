package io.peerlink.core.multiaddr;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Parses arbitrary bytes as a binary multiaddr (identify, DCUtR, AutoNAT and relay messages carry
 * them) and as text (configuration, peer records). Either it parses, and then survives a round
 * trip through the other form, or it throws {@link IllegalArgumentException}; nothing else.
 *
 * <p>A plain test run replays the inputs under {@code MultiaddrFuzzTestInputs}; see
 * docs/testing.md, "Fuzzing", to fuzz.
 */
class MultiaddrFuzzTest {

  @FuzzTest
  void fromBytes(byte[] data) {
    Multiaddr addr;
    try {
      addr = Multiaddr.fromBytes(data);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(Multiaddr.fromBytes(addr.bytes())).isEqualTo(addr);
    assertThat(Multiaddr.parse(addr.toString())).isEqualTo(addr);
  }

  @FuzzTest
  void parse(byte[] data) {
    Multiaddr addr;
    try {
      addr = Multiaddr.parse(new String(data, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(Multiaddr.fromBytes(addr.bytes())).isEqualTo(addr);
    assertThat(Multiaddr.parse(addr.toString())).isEqualTo(addr);
  }
}
