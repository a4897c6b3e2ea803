package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host that listens on QUIC dials from its listen port, so remotes observe that port (identify's
 * observed address) and a NAT maps the dial as it maps the listen socket: what a QUIC hole punch
 * needs. The listen port is still the host's alone: a second listener on it fails.
 */
@Timeout(90)
class QuicListenPortDialTest extends PeerTestSupport {
  private static final Multiaddr QUIC = Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1");

  private Listener quicListener(Identity id, CompletableFuture<Peer> inbound) {
    return listen(Listener.builder(id)
        .listenOn(QUIC)
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .eventListener(EventListener.onConnectionOpened(p -> {
          if (p.direction() == Direction.INBOUND) {
            inbound.complete(p);
          }
        })));
  }

  private static int port(Multiaddr quic) {
    byte[] p = quic.withoutPeerId().components().get(1).value();
    return ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(7).nextBytes(b);
    return b;
  }

  @Test
  void aDialFromAListeningHostArrivesFromItsListenPort() throws Exception {
    CompletableFuture<Peer> atB = new CompletableFuture<>();
    Listener a = quicListener(Identity.generate(), new CompletableFuture<>());
    Listener b = quicListener(Identity.generate(), atB);
    Connector fromA = closeLater(Connector.sharing(a).build());
    int aPort = port(a.listenAddresses().get(0));

    Peer aToB = get(fromA.connect(b.listenAddresses().get(0)));
    assertThat(port(aToB.localAddress())).isEqualTo(aPort);
    Peer accepted = get(atB);
    assertThat(port(accepted.remoteAddress())).isEqualTo(aPort);
    assertThat(get(aToB.identify()).observedAddr())
        .isEqualTo(Multiaddr.parse("/ip4/127.0.0.1/udp/" + aPort + "/quic-v1"));
    // The dial's socket gets only its remote's packets; the listen socket still takes new connections.
    assertThat(get(EchoClient.roundTrip(aToB, random(256 * 1024)))).isPositive();
    Peer cToA = get(connector(Connector.builder(Identity.generate())).connect(a.listenAddresses().get(0)));
    assertThat(get(cToA.ping())).isPositive();
    assertThat(get(aToB.ping())).isPositive();
  }

  @Test
  void theOtherSideDialsBackFromAnEphemeralPortWhileTheFirstConnectionHoldsTheFourTuple() throws Exception {
    CompletableFuture<Peer> atA = new CompletableFuture<>();
    CompletableFuture<Peer> atB = new CompletableFuture<>();
    Listener a = quicListener(Identity.generate(), atA);
    Listener b = quicListener(Identity.generate(), atB);
    Peer aToB = get(closeLater(Connector.sharing(a).build()).connect(b.listenAddresses().get(0)));
    get(atB);
    // B already has a connection from A's listen port to its own: a socket connected the same way
    // would take that connection's packets, so B's dial back leaves from another port.
    Peer bToA = get(closeLater(Connector.sharing(b).build()).connect(a.listenAddresses().get(0)));
    assertThat(port(bToA.localAddress())).isNotEqualTo(port(b.listenAddresses().get(0)));
    assertThat(get(bToA.ping())).isPositive();
    assertThat(get(aToB.ping())).isPositive();
  }

  @Test
  void aHostThatDoesNotListenOnQuicDialsFromAnEphemeralPort() throws Exception {
    CompletableFuture<Peer> atB = new CompletableFuture<>();
    Listener b = quicListener(Identity.generate(), atB);
    Listener tcpOnly = listen();
    Peer peer = get(closeLater(Connector.sharing(tcpOnly).build()).connect(b.listenAddresses().get(0)));
    assertThat(port(peer.localAddress())).isNotEqualTo(port(tcpOnly.listenAddresses().get(0)));
    assertThat(get(peer.ping())).isPositive();
  }

  @Test
  void aSecondQuicListenerOnAPortInUseFailsSayingSo() throws Exception {
    Listener first = quicListener(Identity.generate(), new CompletableFuture<>());
    Multiaddr addr = first.listenAddresses().get(0).withoutPeerId();
    Listener second = closeLater(Listener.builder(Identity.generate()).listenOn(addr).build());
    assertThatThrownBy(() -> second.start().join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(PeerException.class)
        .hasMessageContaining("in use")
        .hasCauseInstanceOf(BindException.class);
    Peer peer = get(connector(Connector.builder(Identity.generate())).connect(first.listenAddresses().get(0)));
    assertThat(peer.peerId()).isEqualTo(first.peerId());
  }

  @Test
  void aQuicListenerOnAPortAnotherProgramHoldsFails() throws Exception {
    try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
      Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/udp/" + other.getLocalPort() + "/quic-v1");
      Listener l = closeLater(Listener.builder(Identity.generate()).listenOn(addr).build());
      assertThatThrownBy(() -> l.start().join())
          .cause()
          .isInstanceOf(PeerException.class)
          .hasMessageContaining("in use");
    }
  }
}
