package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that listens on TCP and QUIC, dialed at both addresses on 127.0.0.1: the dial tries QUIC
 * first and TCP only after the loopback TCP delay, whatever order the addresses come in.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QuicDialRankingLoopbackTest {
  private final List<AutoCloseable> closers = new ArrayList<>();
  private final List<Multiaddr> starts = new CopyOnWriteArrayList<>();
  private final Map<Multiaddr, Long> startedAt = new ConcurrentHashMap<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
  }

  /** A listener on loopback TCP and QUIC; its addresses, TCP first. */
  private Listener server() {
    Listener l = Listener.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"))
        .build().start().join();
    closers.add(l);
    return l;
  }

  /** A connector that waits {@code loopbackTcpDelay} before TCP and records each address it starts. */
  private Connector client(Duration loopbackTcpDelay) {
    TcpDelays delays = TcpDelays.of(Duration.ofMillis(250), Duration.ofMillis(30), loopbackTcpDelay);
    Connector c = Connector.builder(Identity.generate())
        .dialPolicy(DialPolicy.builder().maxAttempts(1).tcpDelays(delays).build())
        .eventListener(new EventListener() {
          @Override
          public void connectStart(Direction direction, Multiaddr remote) {
            if (direction == Direction.OUTBOUND) {
              startedAt.putIfAbsent(remote, System.nanoTime());
              starts.add(remote);
            }
          }
        })
        .build();
    closers.add(c);
    return c;
  }

  private static Multiaddr tcp(List<Multiaddr> addrs) {
    return addrs.stream().filter(a -> !a.isQuic()).findFirst().orElseThrow();
  }

  private static Multiaddr quic(List<Multiaddr> addrs) {
    return addrs.stream().filter(Multiaddr::isQuic).findFirst().orElseThrow();
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  @Test
  void aPeerWithQuicAndTcpAddressesIsReachedOverQuicWhicheverComesFirst() throws Exception {
    Listener server = server();
    List<Multiaddr> addrs = server.listenAddresses();
    // TCP listed first: ranking, not the caller's order, puts QUIC first. The long delay keeps a
    // slow QUIC handshake on a busy machine from racing TCP.
    Connector client = client(Duration.ofSeconds(30));
    Peer peer = get(client.connect(server.peerId(), List.of(tcp(addrs), quic(addrs))));
    assertThat(peer.muxer()).isEqualTo("quic-v1");
    assertThat(peer.remoteAddress()).isEqualTo(quic(addrs).withoutPeerId());
    assertThat(starts).containsExactly(quic(addrs).withoutPeerId()); // TCP never started
    assertThat(get(peer.ping())).isPositive();
  }

  @Test
  void withTheQuicAddressSilentTcpStartsAfterTheDelayAndWins() throws Exception {
    Listener server = server();
    // A UDP socket that never answers: the QUIC handshake hears nothing back, as from a
    // firewall that drops UDP, so only the delay starts TCP.
    DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    closers.add(silent);
    Multiaddr deadQuic = Multiaddr.parse("/ip4/127.0.0.1/udp/" + silent.getLocalPort() + "/quic-v1");
    Multiaddr tcp = tcp(server.listenAddresses());
    Duration delay = Duration.ofMillis(400);
    Connector client = client(delay);

    long begun = System.nanoTime();
    Peer peer = get(client.connect(server.peerId(), List.of(tcp, deadQuic)));
    assertThat(peer.muxer()).isEqualTo("/yamux/1.0.0");
    assertThat(peer.remoteAddress()).isEqualTo(tcp.withoutPeerId());
    assertThat(starts).containsExactly(deadQuic, tcp.withoutPeerId());
    assertThat(Duration.ofNanos(startedAt.get(tcp.withoutPeerId()) - begun)).isGreaterThanOrEqualTo(delay);
    assertThat(get(peer.ping())).isPositive();
  }

  @Test
  void onLoopbackTheDefaultStartsTcpRightAfterQuic() throws Exception {
    Listener server = server();
    DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    closers.add(silent);
    Multiaddr deadQuic = Multiaddr.parse("/ip4/127.0.0.1/udp/" + silent.getLocalPort() + "/quic-v1");
    Multiaddr tcp = tcp(server.listenAddresses());
    Connector client = client(TcpDelays.defaults().loopback());

    Peer peer = get(client.connect(server.peerId(), List.of(tcp, deadQuic)));
    assertThat(peer.muxer()).isEqualTo("/yamux/1.0.0");
    assertThat(starts).containsExactly(deadQuic, tcp.withoutPeerId());
  }
}
