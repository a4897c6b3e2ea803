package io.peerlink.relay.internal.autonat;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.Stream;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.AutoNatConfig;
import io.peerlink.relay.internal.proto.AutoNatProtos.Message;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which addresses the AutoNAT server dials back, over TCP on 127.0.0.1 (counted as public here). */
@Timeout(60)
class AutoNatServerDialBackTest {
  private static final AddressFilter LOOPBACK_PUBLIC = AddressFilter.internet().withPublic("127.0.0.0/8");
  private static final AutoNatConfig CONFIG = AutoNatConfig.builder()
      .serverPerPeerLimit(100)
      .dialBackTimeout(Duration.ofSeconds(5))
      .streamTimeout(Duration.ofSeconds(10))
      .build();

  private final List<AutoCloseable> closers = new ArrayList<>();
  /** Every socket address the server dialed back, in order. */
  private final List<InetSocketAddress> dialed = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  private Listener listener() throws Exception {
    Listener l = Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).build();
    closers.add(l);
    return get(l.start());
  }

  /** {@code host}, recording every dial back it is asked for. */
  private Host recordingDials(Host host) {
    return (Host) Proxy.newProxyInstance(Host.class.getClassLoader(), new Class<?>[] {Host.class},
        (proxy, method, args) -> {
          if (method.getName().equals("dial") && args != null && args.length == 3) {
            dialed.add((InetSocketAddress) args[1]);
          }
          try {
            return method.invoke(host, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** Ports on 127.0.0.1 nothing listens on, each different. */
  private static List<Multiaddr> deadAddresses(int n) throws Exception {
    Set<Multiaddr> out = new LinkedHashSet<>();
    while (out.size() < n) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        out.add(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + s.getLocalPort()));
      }
    }
    return List.copyOf(out);
  }

  @Test
  void duplicatesAreDialedOnceAndAtMostSixteenDistinctAddresses() throws Exception {
    Listener srv = listener();
    closers.add(new AutoNatServer(recordingDials(Host.of(srv)), LOOPBACK_PUBLIC, CONFIG).start());
    Listener me = listener();
    Connector connector = Connector.sharing(me).build();
    closers.add(connector);
    Peer p = get(connector.connect(srv.listenAddresses().get(0)));

    Multiaddr mine = me.listenAddresses().get(0).withoutPeerId();
    List<Multiaddr> addrs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      addrs.add(mine); // the same ip:port five times
    }
    addrs.addAll(deadAddresses(AutoNatMessages.MAX_ADDRS - 5)); // 27 more, all different
    Message answer = exchange(p, AutoNatMessages.dial(me.peerId(), addrs));

    assertThat(answer.getDialResponse().getStatus()).isEqualTo(Message.ResponseStatus.OK);
    assertThat(dialed).as("one dial per distinct address, at most 16")
        .hasSize(16)
        .doesNotHaveDuplicates()
        .contains(mine.toSocketAddress().orElseThrow());
  }

  /**
   * A requester that reached the server over QUIC and listens on QUIC is dialed back over QUIC:
   * the observed IP comes from the QUIC connection, and its QUIC address counts as public.
   */
  @Test
  void aQuicAddressIsDialedBackOverQuic() throws Exception {
    Multiaddr quic = Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1");
    Listener srv = Listener.builder(Identity.generate()).listenOn(quic).build();
    closers.add(srv);
    get(srv.start());
    closers.add(new AutoNatServer(recordingDials(Host.of(srv)), LOOPBACK_PUBLIC, CONFIG).start());
    Listener me = Listener.builder(Identity.generate()).listenOn(quic).build();
    closers.add(me);
    get(me.start());
    Connector connector = Connector.sharing(me).build();
    closers.add(connector);
    Peer p = get(connector.connect(srv.listenAddresses().get(0)));
    assertThat(p.muxer()).isEqualTo("quic-v1");

    Multiaddr mine = me.listenAddresses().get(0).withoutPeerId();
    Message answer = exchange(p, AutoNatMessages.dial(me.peerId(), List.of(mine)));

    assertThat(answer.getDialResponse().getStatus()).isEqualTo(Message.ResponseStatus.OK);
    assertThat(Multiaddr.fromBytes(answer.getDialResponse().getAddr().toByteArray())).isEqualTo(mine);
    assertThat(dialed).containsExactly(mine.toTransportSocketAddress().orElseThrow());
  }

  /** Sends {@code request} on a new AutoNAT stream; the server's one answer. */
  private static Message exchange(Peer p, ByteBuf request) throws Exception {
    AtomicReference<MessageStream<Message>> holder = new AtomicReference<>();
    Stream s = get(p.newStream(List.of(AutoNatMessages.PROTOCOL), st -> holder.set(AutoNatMessages.stream(st.channel()))));
    try {
      return get(holder.get().write(request).thenCompose(v -> holder.get().read(Duration.ofSeconds(10))));
    } finally {
      s.channel().close();
    }
  }
}
