package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.Stream;
import io.peerlink.core.event.Reachability;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.AutoNatConfig;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.autonat.AutoNatClient;
import io.peerlink.relay.internal.autonat.AutoNatMessages;
import io.peerlink.relay.internal.autonat.AutoNatServer;
import io.peerlink.relay.internal.autonat.DialBackResult;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.internal.holepunch.ObservedAddresses;
import io.peerlink.relay.internal.proto.AutoNatProtos.Message;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AutoNAT v1 client and server over TCP on 127.0.0.1, with 127.0.0.0/8 counted as public. */
class AutoNatLoopbackTest {
  private static final AddressFilter LOOPBACK_PUBLIC = AddressFilter.internet().withPublic("127.0.0.0/8");
  private static final AutoNatConfig CONFIG = AutoNatConfig.builder()
      .confirmations(1)
      .serverQueryInterval(Duration.ZERO)
      .serverPerPeerLimit(100)
      .dialBackTimeout(Duration.ofSeconds(5))
      .streamTimeout(Duration.ofSeconds(10))
      .build();

  private final List<AutoCloseable> closers = new ArrayList<>();
  private RelayServer relay;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
    if (relay != null) {
      relay.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    }
  }

  private Listener listener() throws Exception {
    Listener l = Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).build();
    closers.add(l);
    return get(l.start());
  }

  private Listener server(AutoNatConfig config) throws Exception {
    Listener l = listener();
    AutoNatServer s = new AutoNatServer(Host.of(l), LOOPBACK_PUBLIC, config).start();
    closers.add(s);
    return l;
  }

  private Peer connect(Listener from, Listener to) throws Exception {
    Connector c = Connector.sharing(from).build();
    closers.add(c);
    return get(c.connect(to.listenAddresses().get(0)));
  }

  /** A client on {@code l}, telling its reachability changes into {@code changes}. */
  private AutoNatClient client(Listener l, ObservedAddresses observed, LinkedBlockingQueue<String> changes) {
    AutoNatClient c = new AutoNatClient(Host.of(l), observed, CONFIG);
    closers.add(c);
    c.watch((previous, current) -> changes.add(previous + "->" + current));
    return c;
  }

  private static String next(LinkedBlockingQueue<String> q) throws InterruptedException {
    String s = q.poll(20, TimeUnit.SECONDS);
    assertThat(s).as("a reachability change within 20 s").isNotNull();
    return s;
  }

  @Test
  void aReachablePeerBecomesPublicAndItsAddressIsConfirmedThenPrivateWhenItsAddressDies() throws Exception {
    Listener srv = server(CONFIG);
    Listener me = listener();
    ObservedAddresses observed = new ObservedAddresses(LOOPBACK_PUBLIC, 5);
    LinkedBlockingQueue<String> changes = new LinkedBlockingQueue<>();
    AutoNatClient client = client(me, observed, changes);
    Multiaddr mine = me.listenAddresses().get(0).withoutPeerId();
    client.addressSource(() -> List.of(mine));
    assertThat(client.reachability()).isEqualTo(Reachability.UNKNOWN);
    client.start();
    connect(me, srv); // identify names the protocol: the client asks

    assertThat(next(changes)).isEqualTo("UNKNOWN->PUBLIC");
    assertThat(client.reachability()).isEqualTo(Reachability.PUBLIC);
    assertThat(observed.confirmed()).containsExactly(mine);

    // Advertise a dead port: the votes are dropped and the server's dial fails.
    Multiaddr dead = deadAddress();
    client.addressSource(() -> List.of(dead));
    assertThat(get(client.check())).isEqualTo(Reachability.PRIVATE);
    assertThat(next(changes)).isEqualTo("PUBLIC->PRIVATE");
    assertThat(changes).isEmpty();
  }

  @Test
  void aPeerAdvertisingAClosedPortBecomesPrivate() throws Exception {
    Listener srv = server(CONFIG);
    Listener me = listener();
    LinkedBlockingQueue<String> changes = new LinkedBlockingQueue<>();
    AutoNatClient client = client(me, new ObservedAddresses(LOOPBACK_PUBLIC, 1), changes);
    Multiaddr dead = deadAddress();
    client.addressSource(() -> List.of(dead));
    client.start();
    Peer p = connect(me, srv);
    assertThat(next(changes)).isEqualTo("UNKNOWN->PRIVATE");
    DialBackResult r = get(client.ask(p, List.of(dead)));
    assertThat(r.status()).isEqualTo(DialBackResult.Status.DIAL_ERROR);
    assertThat(r.server()).isEqualTo(srv.peerId());
  }

  /** A port nothing listens on: bound by a listener that is then closed. */
  private static Multiaddr deadAddress() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + s.getLocalPort());
    }
  }

  @Test
  void theServerRefusesAddressesWithAnotherIpAndPrivateOnesAndRateLimits() throws Exception {
    Listener srv = server(CONFIG.toBuilder().serverPerPeerLimit(1).build());
    Listener me = listener();
    AutoNatClient client = client(me, new ObservedAddresses(LOOPBACK_PUBLIC, 1), new LinkedBlockingQueue<>());
    Peer p = connect(me, srv);
    int port = me.listenAddresses().get(0).toSocketAddress().orElseThrow().getPort();

    DialBackResult otherIp = get(client.ask(p, List.of(Multiaddr.parse("/ip4/127.0.0.2/tcp/" + port))));
    assertThat(otherIp.status()).isEqualTo(DialBackResult.Status.DIAL_REFUSED);
    assertThat(otherIp.text()).contains("observed IP 127.0.0.1");

    // The default filter: loopback is not public, so nothing may be dialed.
    Listener strict = listener();
    closers.add(new AutoNatServer(Host.of(strict), AddressFilter.internet(), CONFIG).start());
    Peer ps = connect(me, strict);
    assertThat(get(client.ask(ps, me.listenAddresses())).status()).isEqualTo(DialBackResult.Status.DIAL_REFUSED);

    DialBackResult ok = get(client.ask(p, me.listenAddresses()));
    assertThat(ok.status()).isEqualTo(DialBackResult.Status.OK);
    assertThat(ok.addr()).isEqualTo(me.listenAddresses().get(0).withoutPeerId());
    DialBackResult limited = get(client.ask(p, me.listenAddresses()));
    assertThat(limited.status()).isEqualTo(DialBackResult.Status.DIAL_REFUSED);
    assertThat(limited.text()).contains("rate limit");
  }

  @Test
  void theServerAnswersBadRequestToAnotherPeerIdOrNoPeerInfo() throws Exception {
    Listener srv = server(CONFIG);
    Listener me = listener();
    Peer p = connect(me, srv);
    Message wrongId = exchange(p, AutoNatMessages.dial(Identity.generate().peerId(), me.listenAddresses()));
    assertThat(wrongId.getDialResponse().getStatus()).isEqualTo(Message.ResponseStatus.E_BAD_REQUEST);
    Message noPeer = exchange(p, Unpooled.wrappedBuffer(
        Message.newBuilder().setType(Message.MessageType.DIAL).build().toByteArray()));
    assertThat(noPeer.getDialResponse().getStatus()).isEqualTo(Message.ResponseStatus.E_BAD_REQUEST);
  }

  /** Sends {@code request} on a new AutoNAT stream; the server's one answer. */
  private static Message exchange(Peer p, ByteBuf request) throws Exception {
    AtomicReference<MessageStream<Message>> holder = new AtomicReference<>();
    Stream s = get(p.newStream(List.of(AutoNatMessages.PROTOCOL), st -> holder.set(AutoNatMessages.stream(st.channel()))));
    CompletableFuture<Message> answer = holder.get().write(request)
        .thenCompose(v -> holder.get().read(Duration.ofSeconds(10)));
    try {
      return get(answer);
    } finally {
      s.channel().close();
    }
  }

  @Test
  void theServerRefusesRequestsOverARelayedConnection() throws Exception {
    relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(RelayLimiter.unlimited())
        .publicAddressFilter(AddressFilter.everything())
        .build();
    get(relay.start());
    Multiaddr relayAddr = relay.listener().listenAddresses().get(0);
    Listener srv = server(CONFIG);
    RelayClient srvRelays = RelayClient.create(srv);
    closers.add(srvRelays);
    Reservation r = get(srvRelays.reserve(relayAddr));

    Listener me = listener();
    RelayClient myRelays = RelayClient.create(me);
    closers.add(myRelays);
    Peer relayed = get(myRelays.dial(r.addrs().get(0)));
    assertThat(relayed.path()).isEqualTo(ConnectionPath.RELAYED);
    AutoNatClient client = client(me, new ObservedAddresses(LOOPBACK_PUBLIC, 1), new LinkedBlockingQueue<>());
    DialBackResult res = get(client.ask(relayed, me.listenAddresses()));
    assertThat(res.status()).isEqualTo(DialBackResult.Status.DIAL_REFUSED);
    assertThat(res.text()).contains("relayed");
  }

  @Test
  void theServerClosesTheStreamOnAMalformedOrOversizedRequest() throws Exception {
    Listener srv = server(CONFIG);
    Listener me = listener();
    Peer p = connect(me, srv);
    // A frame of 3 bytes that is not a protobuf message.
    assertClosedWithoutAnswer(p, new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    // A length prefix of 5000 > 4096.
    assertClosedWithoutAnswer(p, new byte[] {(byte) 0x88, 0x27});
  }

  private static void assertClosedWithoutAnswer(Peer p, byte[] raw) throws Exception {
    LinkedBlockingQueue<Object> got = new LinkedBlockingQueue<>();
    Stream s = get(p.newStream(List.of(AutoNatMessages.PROTOCOL), st -> st.channel().pipeline().addLast(
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            got.add(msg);
          }

          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
              ctx.close(); // the server closed its side
            }
            ctx.fireUserEventTriggered(evt);
          }
        })));
    assertThat(s.channel().writeAndFlush(Unpooled.wrappedBuffer(raw)).await(20, TimeUnit.SECONDS)).isTrue();
    s.channel().closeFuture().await(20, TimeUnit.SECONDS);
    assertThat(s.channel().isOpen()).as("the server closed the stream").isFalse();
    assertThat(got).isEmpty();
  }

  @Test
  void theClientFailsTypedOnAMalformedOrOversizedAnswer() throws Exception {
    Listener me = listener();
    AutoNatClient client = client(me, new ObservedAddresses(LOOPBACK_PUBLIC, 1), new LinkedBlockingQueue<>());
    byte[][] answers = {
        {3, (byte) 0xff, (byte) 0xff, (byte) 0xff},
        {(byte) 0x88, 0x27},
        {2, 0x08, 0x01} // a DIAL_RESPONSE without its response
    };
    List<Class<? extends Throwable>> expected = List.of(
        ProtocolViolationException.class, LimitExceededException.class, ProtocolViolationException.class);
    for (int i = 0; i < answers.length; i++) {
      byte[] answer = answers[i];
      Listener fake = Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
          .handler(AutoNatMessages.PROTOCOL, st -> st.channel().pipeline().addLast(
              new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  ReferenceCountUtil.release(msg);
                  ctx.writeAndFlush(Unpooled.wrappedBuffer(answer));
                }
              }))
          .build();
      closers.add(fake);
      get(fake.start());
      Peer p = connect(me, fake);
      assertThatThrownBy(() -> get(client.ask(p, me.listenAddresses())))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(expected.get(i));
    }
  }
}
