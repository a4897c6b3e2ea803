package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.host.Transports;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Outbound dialing over real TCP: retries, joined dials, happy eyeballs, cancellation, DNS. */
class DialerLoopbackTest extends PeerTestSupport {

  /** A port nobody listens on (bound and released at once). */
  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A TCP server that accepts and never answers: a dial to it connects, then hangs in the handshake. */
  private ServerSocket silentServer(List<Socket> accepted) throws Exception {
    ServerSocket ss = closeLater(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    Thread t = new Thread(() -> {
      try {
        while (true) {
          accepted.add(ss.accept());
        }
      } catch (Exception closed) {
        // test over
      }
    }, "silent-server");
    t.setDaemon(true);
    t.start();
    return ss;
  }

  @Test
  void retriesUntilAPortThatOpensLaterAccepts() throws Exception {
    Identity serverId = Identity.generate();
    int port = freePort();
    Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port + "/p2p/" + serverId.peerId());
    List<Integer> failedAttempts = new CopyOnWriteArrayList<>();
    List<Duration> waits = new CopyOnWriteArrayList<>();
    CompletableFuture<Listener> server = new CompletableFuture<>();
    CompletableFuture<Peer> serverSide = new CompletableFuture<>();
    Connector client = connector(Connector.builder(Identity.generate()).config(FAST)
        // The backoff leaves the event listener (which runs on another thread) time to open the
        // port before the retry, even on a busy machine.
        .dialPolicy(DialPolicy.builder().maxAttempts(5).backoff(Duration.ofMillis(500), Duration.ofMillis(4000)).build())
        .eventListener(new EventListener() {
          @Override
          public void dialAttemptFailed(PeerId peer, int attempt, List<Multiaddr> addresses, PeerException error,
              Duration retryIn) {
            failedAttempts.add(attempt);
            waits.add(retryIn);
            assertThat(error.kind()).isEqualTo(PeerError.CONNECT);
            if (attempt == 1) {
              // Open the port only now that the first attempt has failed: the retry must find it.
              server.complete(listen(Listener.builder(serverId).config(FAST)
                  .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port))
                  .eventListener(EventListener.onConnectionOpened(serverSide::complete))));
            }
          }
        }));

    Peer peer = get(client.connect(addr));

    assertThat(peer.peerId()).isEqualTo(serverId.peerId());
    assertThat(failedAttempts).containsExactly(1);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(400), Duration.ofMillis(600)); // 500 ms +-20%
    // The server registers the connection after the TLS 1.3 client is already done: await it. Its
    // connectionOpened event is emitted just before the host adds it to peers().
    assertThat(get(serverSide).peerId()).isEqualTo(client.peerId());
    Listener accepting = get(server);
    await("the server to list the connection", () -> accepting.peers().size() == 1);
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastErrorAndNoRetryForAWrongPeerId() throws Exception {
    List<Duration> waits = new CopyOnWriteArrayList<>();
    Connector client = connector(Connector.builder(Identity.generate()).config(FAST)
        .dialPolicy(DialPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(15)).build())
        .eventListener(new EventListener() {
          @Override
          public void dialAttemptFailed(PeerId peer, int attempt, List<Multiaddr> a, PeerException e, Duration retryIn) {
            waits.add(retryIn);
          }
        }));
    Multiaddr refused = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + freePort() + "/p2p/" + Identity.generate().peerId());
    assertThatThrownBy(() -> get(client.connect(refused)))
        .cause().isInstanceOf(PeerException.class)
        .satisfies(e -> assertThat(((PeerException) e).kind()).isEqualTo(PeerError.CONNECT));
    await("three failed attempts reported", () -> waits.size() == 3);
    assertThat(waits.get(2)).isNull(); // the last: no retry follows
    assertThat(waits.get(1)).isLessThanOrEqualTo(Duration.ofMillis(15));

    waits.clear();
    Listener server = listen();
    Multiaddr wrongId = server.listenAddresses().get(0).withoutPeerId().withPeerId(Identity.generate().peerId());
    assertThatThrownBy(() -> get(client.connect(wrongId)))
        .cause().isInstanceOf(PeerException.class)
        .satisfies(e -> assertThat(((PeerException) e).kind()).isEqualTo(PeerError.TLS));
    await("one failed attempt reported", () -> waits.size() == 1);
    assertThat(waits.get(0)).isNull();
  }

  @Test
  void tenConcurrentDialsToOnePeerMakeOneConnection() throws Exception {
    // The server's own view is awaited: in TLS 1.3 the client is ready before the server has
    // checked the client's certificate, so the server may register the connection a moment later.
    CompletableFuture<Peer> serverSide = new CompletableFuture<>();
    EventLoopGroup serverLoop = Transports.newGroup(1, "held-server");
    closeLater(() -> serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
    Listener server = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .eventLoopGroup(serverLoop)
        .eventListener(EventListener.onConnectionOpened(serverSide::complete)));
    Connector client = connector();
    Multiaddr addr = server.listenAddresses().get(0);
    // The server's only event loop waits until every caller has asked: the dial cannot finish
    // before the last one joins it, however late its thread runs.
    CountDownLatch allAsked = new CountDownLatch(10);
    serverLoop.execute(() -> {
      try {
        allAsked.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Peer>> dials = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        CompletableFuture<Peer> f = new CompletableFuture<>();
        dials.add(f);
        pool.execute(() -> {
          try {
            go.await();
            client.connect(addr).whenComplete((p, e) -> {
              if (e != null) {
                f.completeExceptionally(e);
              } else {
                f.complete(p);
              }
            });
            allAsked.countDown();
          } catch (InterruptedException e) {
            f.completeExceptionally(e);
          }
        });
      }
      go.countDown();
      Peer first = get(dials.get(0));
      for (CompletableFuture<Peer> f : dials) {
        assertThat(get(f)).isSameAs(first);
      }
    } finally {
      pool.shutdownNow();
    }
    get(serverSide);
    assertThat(server.stats().accepted()).isEqualTo(1);
    // The opened event may run before the server lists the connection: wait for the list.
    await("the server to list the connection", () -> server.peers().size() == 1);
    assertThat(server.peers()).hasSize(1);
    assertThat(client.peers()).hasSize(1);
  }

  @Test
  void aSlowFirstAddressIsOvertakenAfterTheStaggerAndCancelled() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    ServerSocket silent = silentServer(accepted);
    Listener server = listen();
    PeerId id = server.peerId();
    Multiaddr slow = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + silent.getLocalPort());
    Multiaddr good = server.listenAddresses().get(0);
    Connector client = connector();
    Duration stagger = client.dialPolicy().addressStagger();

    long start = System.nanoTime();
    Peer peer = get(client.connect(id, List.of(slow, good)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(peer.remoteAddress()).isEqualTo(good.withoutPeerId());
    assertThat(took).isGreaterThanOrEqualTo(stagger).isLessThan(Host.of(client).config().handshakeTimeout());
    System.out.printf("happy eyeballs: slow first address, winner after %d ms (stagger %d ms)%n",
        took.toMillis(), stagger.toMillis());
    // The loser was cancelled: its socket sees end of stream.
    await("the slow address to be dialed", () -> accepted.size() == 1);
    accepted.get(0).setSoTimeout(5000);
    InputStream in = accepted.get(0).getInputStream();
    while (in.read() >= 0) {
      // multistream header, then EOF
    }
  }

  @Test
  void aRefusedFirstAddressDoesNotWaitForTheStagger() throws Exception {
    Listener server = listen();
    Multiaddr refused = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + freePort());
    Connector client = connector(Connector.builder(Identity.generate()).config(FAST)
        .dialPolicy(DialPolicy.builder().maxAttempts(1).addressStagger(Duration.ofSeconds(5)).build()));
    long start = System.nanoTime();
    Peer peer = get(client.connect(server.peerId(), List.of(refused, server.listenAddresses().get(0))));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(peer.isOpen()).isTrue();
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    System.out.printf("happy eyeballs: refused first address, connected in %d ms (stagger 5000 ms)%n", took.toMillis());
  }

  @Test
  void cancellingADialClosesTheAttemptAndStopsRetries() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    ServerSocket silent = silentServer(accepted);
    LinkedBlockingQueue<PeerState> states = new LinkedBlockingQueue<>();
    Connector client = connector(Connector.builder(Identity.generate()).config(FAST)
        .dialPolicy(DialPolicy.builder().maxAttempts(5).build())
        .eventListener(new EventListener() {
          @Override
          public void peerStateChanged(ConnectionInfo c, PeerState from, PeerState to) {
            states.add(to);
          }
        }));
    CompletableFuture<Peer> dial = client.connect(Identity.generate().peerId(),
        List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + silent.getLocalPort())));
    assertThat(states.poll(10, TimeUnit.SECONDS)).isEqualTo(PeerState.HANDSHAKING);
    assertThat(dial.cancel(true)).isTrue();
    assertThat(states.poll(10, TimeUnit.SECONDS)).isEqualTo(PeerState.DISCONNECTED);
    await("the silent server to see the dial", () -> accepted.size() == 1);
    accepted.get(0).setSoTimeout(5000);
    InputStream in = accepted.get(0).getInputStream();
    while (in.read() >= 0) {
      // until the cancelled dial's socket closes
    }
    assertThatThrownBy(dial::join).isInstanceOf(CancellationException.class);
    assertThat(states.poll(300, TimeUnit.MILLISECONDS)).isNull(); // no retry started
  }

  @Test
  void resolvesDnsNames() throws Exception {
    Listener server = listen();
    int port = server.listenAddresses().get(0).toSocketAddress().orElseThrow().getPort();
    Peer peer = get(connector().connect(
        Multiaddr.parse("/dns4/localhost/tcp/" + port + "/p2p/" + server.peerId())));
    assertThat(peer.remoteAddress()).isEqualTo(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port));

    assertThatThrownBy(() -> get(connector().connect(
        Multiaddr.parse("/dns4/no-such-host.invalid/tcp/1/p2p/" + server.peerId()))))
        .cause().isInstanceOf(PeerException.class).hasMessageContaining("could not resolve");
  }

  @Test
  void backoffDoublesUpToTheMaximumWithinTheJitter() {
    DialPolicy p = DialPolicy.builder().backoff(Duration.ofMillis(100), Duration.ofMillis(1000)).jitter(0.2).build();
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 100; i++) {
      assertThat(p.backoff(1, r)).isBetween(Duration.ofMillis(80), Duration.ofMillis(120));
      assertThat(p.backoff(3, r)).isBetween(Duration.ofMillis(320), Duration.ofMillis(480));
      assertThat(p.backoff(10, r)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1000));
    }
    assertThatThrownBy(() -> DialPolicy.builder().jitter(2).build()).isInstanceOf(IllegalArgumentException.class);
  }
}
