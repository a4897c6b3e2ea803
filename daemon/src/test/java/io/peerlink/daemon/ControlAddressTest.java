package io.peerlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;

class ControlAddressTest {
  @Test
  void unixPathsInTextAndBinary() {
    ControlAddress a = ControlAddress.parse("/unix/tmp/p2pd.sock");
    assertThat(a.socket()).isEqualTo(UnixDomainSocketAddress.of("/tmp/p2pd.sock"));
    assertThat(a.toString()).isEqualTo("/unix/tmp/p2pd.sock");
    assertThat(ControlAddress.fromBytes(a.bytes())).isEqualTo(a);
    // js-multiaddr's escaped form
    assertThat(ControlAddress.parse("/unix/%2Ftmp%2Fp2pd.sock")).isEqualTo(a);
  }

  @Test
  void tcpAddressesInTextAndBinary() {
    ControlAddress a = ControlAddress.parse("/ip4/127.0.0.1/tcp/4001");
    assertThat(a.socket()).isEqualTo(new InetSocketAddress("127.0.0.1", 4001));
    assertThat(a.isUnix()).isFalse();
    assertThat(ControlAddress.fromBytes(a.bytes())).isEqualTo(a);
    assertThat(a.toString()).isEqualTo("/ip4/127.0.0.1/tcp/4001");
  }

  @Test
  void anythingElseIsRefused() {
    assertThatThrownBy(() -> ControlAddress.parse("/ip4/127.0.0.1/udp/1")).isInstanceOf(IllegalArgumentException.class);
  }
}
