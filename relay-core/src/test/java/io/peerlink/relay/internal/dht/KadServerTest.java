package io.peerlink.relay.internal.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.Listener;
import io.peerlink.core.ListenerLimits;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.internal.proto.KadProtos.Message;
import io.peerlink.relay.internal.proto.KadProtos.Message.MessageType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The DHT server over real streams on loopback: several requests per stream, and its per-peer limits. */
@Timeout(60)
class KadServerTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private Listener listener() {
    Listener l = Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limits(ListenerLimits.builder().exemptLoopback(true).build()).build().start().join();
    open.add(l);
    return l;
  }

  private KadDht dht(Listener l, DhtConfig config) {
    KadDht d = new KadDht(Host.of(l), config).start();
    open.add(d);
    return d;
  }

  private static KadPeer peer(Listener l) {
    return new KadPeer(l.peerId(), l.listenAddresses());
  }

  /** Opens one DHT stream to {@code server} and returns its message reader/writer. */
  private MessageStream<Message> stream(Listener client, Listener server) throws Exception {
    Peer conn = get(Host.of(client).dial(server.listenAddresses().get(0)));
    AtomicReference<MessageStream<Message>> holder = new AtomicReference<>();
    get(conn.newStream(KadMessages.PROTOCOL, s -> holder.set(KadMessages.stream(s.channel(), 1 << 20))));
    return holder.get();
  }

  private static Message ask(MessageStream<Message> s, Message m) throws Exception {
    return get(s.channel().eventLoop().submit(() -> s.write(KadMessages.encode(m))).get()
        .thenCompose(v -> {
          CompletableFuture<Message> r = new CompletableFuture<>();
          s.channel().eventLoop().execute(() -> s.read(Duration.ofSeconds(10)).whenComplete((x, e) -> {
            if (e != null) {
              r.completeExceptionally(e);
            } else {
              r.complete(x);
            }
          }));
          return r;
        }));
  }

  @Test
  void answersSeveralRequestsOnOneStream() throws Exception {
    Listener server = listener();
    dht(server, DhtConfig.builder().mode(DhtConfig.Mode.SERVER).build());
    Listener client = listener();
    MessageStream<Message> s = stream(client, server);
    for (int i = 0; i < 5; i++) {
      Message reply = ask(s, KadMessages.request(MessageType.FIND_NODE, client.peerId().bytes()));
      assertThat(reply.getType()).isEqualTo(MessageType.FIND_NODE);
    }
    Message ping = ask(s, Message.newBuilder().setType(MessageType.PING).build());
    assertThat(ping.getType()).isEqualTo(MessageType.PING);
  }

  @Test
  void manySequentialRequestsFromOnePeerStayUnderTheStreamLimit() throws Exception {
    Listener server = listener();
    dht(server, DhtConfig.builder().mode(DhtConfig.Mode.SERVER).maxInboundStreamsPerPeer(2).build());
    Listener client = listener();
    KadClient kc = new KadClient(Host.of(client), Duration.ofSeconds(10), 1 << 20);
    for (int i = 0; i < 40; i++) {
      assertThat(get(kc.request(peer(server), KadMessages.request(MessageType.FIND_NODE, new byte[] {(byte) i})))
          .getType()).isEqualTo(MessageType.FIND_NODE);
    }
  }

  @Test
  void aPeerOverItsStreamLimitIsReset() throws Exception {
    Listener server = listener();
    dht(server, DhtConfig.builder().mode(DhtConfig.Mode.SERVER).maxInboundStreamsPerPeer(2).build());
    Listener client = listener();
    MessageStream<Message> one = stream(client, server);
    MessageStream<Message> two = stream(client, server);
    Message find = KadMessages.request(MessageType.FIND_NODE, new byte[] {1});
    assertThat(ask(one, find).getType()).isEqualTo(MessageType.FIND_NODE);
    assertThat(ask(two, find).getType()).isEqualTo(MessageType.FIND_NODE);
    MessageStream<Message> three = stream(client, server);
    // The server resets it at once; our write or read fails, whichever meets the reset.
    assertThatThrownBy(() -> ask(three, find)).isInstanceOf(ExecutionException.class);
    assertThat(three.channel().isOpen()).isFalse();
    // Closing one makes room again.
    one.channel().close().syncUninterruptibly();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(ask(stream(client, server), find).getType()).isEqualTo(MessageType.FIND_NODE));
  }

  @Test
  void aPeerOverItsRequestRateIsReset() throws Exception {
    Listener server = listener();
    dht(server, DhtConfig.builder().mode(DhtConfig.Mode.SERVER).requestsPerSecondPerPeer(3).build());
    Listener client = listener();
    MessageStream<Message> s = stream(client, server);
    Message find = KadMessages.request(MessageType.FIND_NODE, new byte[] {1});
    for (int i = 0; i < 3; i++) {
      assertThat(ask(s, find).getType()).isEqualTo(MessageType.FIND_NODE);
    }
    assertThatThrownBy(() -> ask(s, find)).hasMessageContaining("reset");
  }

  @Test
  void aClientDoesNotServe() throws Exception {
    Listener server = listener();
    dht(server, DhtConfig.builder().mode(DhtConfig.Mode.CLIENT).build());
    Listener client = listener();
    KadClient kc = new KadClient(Host.of(client), Duration.ofSeconds(5), 1 << 20);
    assertThatThrownBy(() -> get(kc.request(peer(server), KadMessages.request(MessageType.FIND_NODE, new byte[] {1}))))
        .hasMessageContaining(KadMessages.PROTOCOL);
  }
}
