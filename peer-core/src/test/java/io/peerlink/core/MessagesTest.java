package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The message API over /peerlink/msg/1.0.0, and the peer's statistics. */
class MessagesTest extends PeerTestSupport {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void messagesArriveInOrderThroughReceive() throws Exception {
    CompletableFuture<Peer> inbound = new CompletableFuture<>();
    Listener server = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .eventListener(EventListener.onConnectionOpened(inbound::complete)));
    Peer client = get(connector().connect(server.listenAddresses().get(0)));
    Peer serverSide = get(inbound);

    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (int i = 0; i < 500; i++) { // more than the receive queue holds: flow control, not loss
      sent.add(client.send(bytes("m" + i)));
    }
    for (int i = 0; i < 500; i++) {
      assertThat(new String(get(serverSide.receive()), StandardCharsets.UTF_8)).isEqualTo("m" + i);
    }
    for (CompletableFuture<Void> f : sent) {
      get(f);
    }
    // And back, on the server's own outbound message stream.
    get(serverSide.send(new byte[0]));
    assertThat(get(client.receive())).isEmpty();
    assertThat(client.stats().messagesSent()).isEqualTo(500);
    assertThat(serverSide.stats().messagesReceived()).isEqualTo(500);
  }

  @Test
  void aHandlerTakesMessagesAndAPeerHandlerOverridesTheListeners() throws Exception {
    LinkedBlockingQueue<String> host = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> own = new LinkedBlockingQueue<>();
    CompletableFuture<Peer> inbound = new CompletableFuture<>();
    Listener server = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .eventListener(EventListener.onConnectionOpened(inbound::complete))
        .onMessage((peer, m) -> {
          String s = new String(m, StandardCharsets.UTF_8);
          if (s.equals("boom")) {
            throw new IllegalStateException("handler bug"); // logged; the next message still comes
          }
          host.add(s);
        }));
    Peer client = get(connector().connect(server.listenAddresses().get(0)));
    get(client.send(bytes("boom")));
    get(client.send(bytes("hello")));
    assertThat(host.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");

    get(inbound).onMessage((peer, m) -> own.add(new String(m, StandardCharsets.UTF_8)));
    get(client.send(bytes("mine")));
    assertThat(own.poll(10, TimeUnit.SECONDS)).isEqualTo("mine");
    assertThat(host).isEmpty();
  }

  @Test
  void anOversizedMessageFailsLocallyWithALimitErrorAndAClosedPeerFailsReceive() throws Exception {
    PeerConfig small = FAST.toBuilder().maxMessageSize(1024).build();
    Listener server = listen(Listener.builder(Identity.generate()).config(small).listenOn(LOOPBACK));
    Connector connector = connector(Connector.builder(Identity.generate()).config(small));
    Peer client = get(connector.connect(server.listenAddresses().get(0)));
    get(client.send(new byte[1024]));
    assertThatThrownBy(() -> get(client.send(new byte[1025])))
        .cause().isInstanceOf(LimitExceededException.class).hasMessageContaining("maxMessageSize");

    CompletableFuture<byte[]> waiting = client.receive();
    client.close();
    assertThatThrownBy(() -> get(waiting)).cause().isInstanceOf(PeerException.class)
        .satisfies(e -> assertThat(((PeerException) e).kind()).isEqualTo(PeerError.IO));
    assertThatThrownBy(() -> get(client.send(bytes("late")))).cause().isInstanceOf(PeerException.class);
  }

  @Test
  void statsCountBytesRttFromKeepAliveAndActivity() throws Exception {
    PeerConfig cfg = FAST.toBuilder().keepAliveInterval(Duration.ofMillis(50)).build();
    Listener server = listen(Listener.builder(Identity.generate()).config(cfg).listenOn(LOOPBACK));
    Connector connector = connector(Connector.builder(Identity.generate()).config(cfg));
    Peer client = get(connector.connect(server.listenAddresses().get(0)));
    await("an RTT sample from keep-alive", () -> client.stats().rtt().isPresent());
    PeerStats before = client.stats();
    assertThat(before.bytesRead()).isPositive();
    assertThat(before.bytesWritten()).isPositive();
    assertThat(before.rtt().orElseThrow()).isLessThan(Duration.ofSeconds(1));

    get(client.send(new byte[10_000]));
    PeerStats after = client.stats();
    assertThat(after.bytesWritten()).isGreaterThanOrEqualTo(before.bytesWritten() + 10_000);
    assertThat(after.lastActivity()).isAfterOrEqualTo(before.lastActivity());
    assertThat(after.openStreams()).isPositive(); // the message stream stays open
    assertThat(get(client.ping())).isPositive();
  }

  @Test
  void idleTimeoutClosesAQuietConnection() throws Exception {
    PeerConfig cfg = FAST.toBuilder().idleTimeout(Duration.ofMillis(300)).build();
    Listener server = listen();
    Connector connector = connector(Connector.builder(Identity.generate()).config(cfg));
    Peer client = get(connector.connect(server.listenAddresses().get(0)));
    long start = System.nanoTime();
    get(client.closeFuture());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
  }

  @Test
  void newConfigFieldsAreValidated() {
    assertThatThrownBy(() -> PeerConfig.builder().maxMessageSize(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageSize");
    assertThatThrownBy(() -> PeerConfig.builder().idleTimeout(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
    assertThat(PeerConfig.defaults().keepAliveInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(PeerConfig.defaults().maxMessageSize()).isEqualTo(2 * 1024 * 1024);
    assertThat(PeerConfig.defaults().idleTimeout()).isZero();
  }
}
