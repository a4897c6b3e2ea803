package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A listening port is ours alone: the listening socket allows the hole punch's dials from the same
 * port, but a second listener on it must fail rather than share the port's connections.
 */
@Timeout(60)
class ListenerPortInUseTest extends PeerTestSupport {

  private static Multiaddr freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + s.getLocalPort());
    }
  }

  private static Listener.Builder on(Multiaddr addr) {
    return Listener.builder(Identity.generate()).config(FAST).listenOn(addr);
  }

  @Test
  void aSecondListenerOnAPortInUseFailsSayingSo() throws Exception {
    Multiaddr addr = freePort();
    Listener first = listen(on(addr));

    Listener second = closeLater(on(addr).build());
    assertThatThrownBy(() -> second.start().join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(PeerException.class)
        .hasMessageContaining("in use")
        .hasMessageContaining(addr.toString())
        .hasCauseInstanceOf(BindException.class)
        .satisfies(e -> assertThat(((PeerException) e).kind()).isEqualTo(PeerError.CONNECT));

    // The first still owns the port: a dial reaches it, not a stranger.
    Peer peer = get(connector().connect(first.listenAddresses().get(0)));
    assertThat(peer.peerId()).isEqualTo(first.peerId());
  }

  @Test
  void aListenerOnAPortAnotherProgramHoldsFails() throws Exception {
    try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + other.getLocalPort());
      Listener l = closeLater(on(addr).build());
      assertThatThrownBy(() -> l.start().join())
          .cause()
          .isInstanceOf(PeerException.class)
          .hasMessageContaining("in use");
    }
  }

  @Test
  void thePortCanBeListenedOnAgainOnceItsListenerClosed() throws Exception {
    Multiaddr addr = freePort();
    Listener first = on(addr).build().start().join();
    get(connector().connect(first.listenAddresses().get(0))); // leaves connections behind in TIME_WAIT
    first.close();

    Listener again = listen(on(addr));
    Peer peer = get(connector().connect(again.listenAddresses().get(0)));
    assertThat(peer.peerId()).isEqualTo(again.peerId());
  }
}
