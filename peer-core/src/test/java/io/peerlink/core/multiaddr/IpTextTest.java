package io.peerlink.core.multiaddr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpTextTest {

  /** Input text, its 16 bytes, and the RFC 5952 text printed for them. */
  @ParameterizedTest
  @CsvSource({
    "::, 00000000000000000000000000000000, ::",
    "::1, 00000000000000000000000000000001, ::1",
    "1::, 00010000000000000000000000000000, 1::",
    "2001:DB8::1, 20010db8000000000000000000000001, 2001:db8::1",
    "2001:0db8:0000:0000:0000:ff00:0042:8329, 20010db8000000000000ff0000428329, 2001:db8::ff00:42:8329",
    // Two equal runs: the first is shortened (RFC 5952 4.2.3).
    "2001:db8:0:0:1:0:0:1, 20010db8000000000001000000000001, 2001:db8::1:0:0:1",
    // The longer run wins even when it comes second.
    "1:0:0:1:0:0:0:1, 00010000000000010000000000000001, 1:0:0:1::1",
    // A single zero group is never shortened (RFC 5952 4.2.2).
    "1:0:1:0:1:0:1:0, 00010000000100000001000000010000, 1:0:1:0:1:0:1:0",
    "1:2:3:4:5:6:7::, 00010002000300040005000600070000, 1:2:3:4:5:6:7:0",
    "fe80::1:2, fe800000000000000000000000010002, fe80::1:2",
    "::ffff:1.2.3.4, 00000000000000000000ffff01020304, ::ffff:1.2.3.4",
    "::FFFF:0102:0304, 00000000000000000000ffff01020304, ::ffff:1.2.3.4",
    "64:ff9b::192.0.2.33, 0064ff9b0000000000000000c0000221, 64:ff9b::c000:221",
  })
  void parsesAndPrintsIp6(String text, String hex, String printed) {
    byte[] bytes = HexFormat.of().parseHex(hex);

    assertThat(IpText.parseIp6(text)).isEqualTo(bytes);
    assertThat(IpText.formatIp6(bytes)).isEqualTo(printed);
    assertThat(IpText.parseIp6(printed)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8", "12345::", "::g", ":1::", "1::2:", "fe80::1%eth0", "1.2.3.4",
    "::1.2.3.256", "1.2.3.4::", "::\uff11", "1:2:3:4:5:6:7:1.2.3.4",
  })
  void rejectsBadIp6(String text) {
    assertThatThrownBy(() -> IpText.parseIp6(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
