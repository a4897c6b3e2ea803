package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.DialAttempt;
import io.peerlink.core.spi.Host;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Host#dialRound}: one staggered round over a peer's addresses, each connect with the
 * round's own timeout, and no retry round after it, whatever the host's {@link DialPolicy} says.
 */
@Timeout(60)
class DialRoundLoopbackTest extends PeerTestSupport {

  /** A local port whose accept queue is full: the kernel drops further SYNs, so a connect hangs. */
  private ServerSocket blackhole(List<Socket> fillers) throws Exception {
    ServerSocket ss = closeLater(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
    for (int i = 0; i < 4; i++) {
      Socket s = closeLater(new Socket());
      try {
        s.connect(ss.getLocalSocketAddress(), 200);
        fillers.add(s);
      } catch (IOException full) {
        break;
      }
    }
    return ss;
  }

  private Connector dialer(List<String> retries) {
    return connector(Connector.builder(Identity.generate()).config(FAST)
        .dialPolicy(DialPolicy.builder().maxAttempts(5).build())
        .eventListener(new EventListener() {
          @Override
          public void dialAttemptFailed(PeerId peer, int attempt, List<Multiaddr> addresses, PeerException error,
              Duration retryIn) {
            retries.add(attempt + " " + error.getMessage());
          }
        }));
  }

  @Test
  void aLiveAddressBehindABlackholedOneWinsAfterTheStagger() throws Exception {
    Listener target = listen();
    ServerSocket hole = blackhole(new ArrayList<>());
    List<String> retries = new CopyOnWriteArrayList<>();
    Host host = Host.of(dialer(retries));
    Multiaddr dead = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + hole.getLocalPort());

    DialAttempt round = host.dialRound(target.peerId(), List.of(dead, target.listenAddresses().get(0)),
        Duration.ofMillis(100), Duration.ofSeconds(10));

    Peer p = get(round.result());
    assertThat(p.peerId()).isEqualTo(target.peerId());
    assertThat(p.remoteAddress().withoutPeerId()).isEqualTo(target.listenAddresses().get(0).withoutPeerId());
    assertThat(retries).isEmpty();
  }

  /**
   * The round a relay-aware dialer runs ranks QUIC first too: given TCP then QUIC, with a long
   * loopback TCP delay, it ends on QUIC and never starts TCP.
   */
  @Test
  void theRoundDialsQuicBeforeTcpWithItsTcpDelays() throws Exception {
    Listener target = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1")));
    Multiaddr tcp = target.listenAddresses().stream().filter(a -> !a.isQuic()).findFirst().orElseThrow();
    Multiaddr quic = target.listenAddresses().stream().filter(Multiaddr::isQuic).findFirst().orElseThrow();
    Host host = Host.of(dialer(new ArrayList<>()));
    TcpDelays longWait = TcpDelays.of(Duration.ofMillis(250), Duration.ofMillis(30), Duration.ofSeconds(30));

    Peer p = get(host.dialRound(target.peerId(), List.of(tcp, quic), Duration.ofMillis(100), longWait,
        Duration.ofSeconds(10)).result());
    assertThat(p.muxer()).isEqualTo("quic-v1");
    assertThat(p.remoteAddress()).isEqualTo(quic.withoutPeerId());
  }

  @Test
  void aBlackholedAddressFailsOnTheRoundsConnectTimeoutWithoutRetries() throws Exception {
    ServerSocket hole = blackhole(new ArrayList<>());
    List<String> retries = new CopyOnWriteArrayList<>();
    Host host = Host.of(dialer(retries));
    PeerId nobody = Identity.generate().peerId();
    Multiaddr dead = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + hole.getLocalPort());

    DialAttempt round = host.dialRound(nobody, List.of(dead), Duration.ofMillis(100), Duration.ofMillis(300));

    assertThatThrownBy(() -> get(round.result())).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(PeerTimeoutException.class);
    assertThat(retries).as("the host's DialPolicy retries are not the round's").isEmpty();
  }

  @Test
  void addressesOfAnotherPeerOrNotTcpAreRefused() {
    Host host = Host.of(listen());
    PeerId a = Identity.generate().peerId();
    PeerId b = Identity.generate().peerId();
    assertThatThrownBy(() -> host.dialRound(a, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p/" + b)),
        Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> host.dialRound(a, List.of(), Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
