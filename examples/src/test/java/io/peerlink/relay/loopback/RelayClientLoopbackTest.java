package io.peerlink.relay.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.Direction;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.RelayException;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.internal.client.ReservationWatcher;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** peerlink to peerlink through a peerlink relay, over TCP on 127.0.0.1. */
class RelayClientLoopbackTest {
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

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  private Multiaddr startRelay(RelayLimiter limiter) throws Exception {
    relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(limiter)
        .publicAddressFilter(AddressFilter.everything())
        .build();
    get(relay.start());
    return relay.listener().listenAddresses().get(0);
  }

  private Listener listener() throws Exception {
    Listener l = Listener.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build();
    closers.add(l);
    return get(l.start());
  }

  @Test
  void reserveThenDialThroughTheRelayWithTheSameStack() throws Exception {
    Multiaddr relayAddr = startRelay(RelayLimiter.unlimited());
    Listener a = listener();
    RelayClient aRelays = RelayClient.create(a);
    closers.add(aRelays);
    List<Peer> inbound = new CopyOnWriteArrayList<>();
    Host.of(a).addConnectionListener(inbound::add);

    Reservation r = get(aRelays.reserve(relayAddr));
    assertThat(r.relay()).isEqualTo(relay.peerId());
    assertThat(r.expiration()).isAfter(Instant.now().plusSeconds(3000));
    assertThat(r.voucher()).isNotNull();
    Multiaddr reserved = relayAddr.encapsulate(Multiaddr.parse("/p2p-circuit")).withPeerId(a.peerId());
    assertThat(r.addrs()).containsExactly(reserved);
    assertThat(Host.of(a).listenAddresses()).contains(reserved);

    Listener b = listener();
    RelayClient bRelays = RelayClient.create(b);
    closers.add(bRelays);
    Connector dialer = Connector.sharing(b).build();
    Peer peer = get(dialer.connect(reserved)); // a /p2p-circuit multiaddr, dialed like any other
    assertThat(peer.peerId()).isEqualTo(a.peerId());
    assertThat(peer.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(peer.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(peer.remoteAddress()).isEqualTo(relayAddr.encapsulate(Multiaddr.parse("/p2p-circuit")));
    assertThat(peer.limit()).isEmpty();
    assertThat(get(peer.ping())).isPositive();

    byte[] payload = new byte[1 << 20];
    new Random(1).nextBytes(payload);
    assertThat(get(EchoClient.roundTrip(peer, payload))).isPositive();

    // The far side sees an inbound relayed connection, and identify tells b where a is reachable.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> inbound.stream().anyMatch(p -> p.path() == ConnectionPath.RELAYED));
    Peer in = inbound.stream().filter(p -> p.path() == ConnectionPath.RELAYED).findFirst().orElseThrow();
    assertThat(in.peerId()).isEqualTo(b.peerId());
    assertThat(in.direction()).isEqualTo(Direction.INBOUND);
    assertThat(in.remoteAddress().isRelayed()).isTrue();
    IdentifyInfo info = get(peer.identify());
    assertThat(info.listenAddrs()).contains(reserved.withoutPeerId());
    get(peer.close());
  }

  @Test
  void limitedConnectionsRunOnlyProtocolsThatOptIn() throws Exception {
    Multiaddr relayAddr = startRelay(RelayLimiter.defaults());
    Listener a = listener();
    RelayClient aRelays = RelayClient.create(a);
    closers.add(aRelays);
    Reservation r = get(aRelays.reserve(relayAddr));
    assertThat(r.limit()).isEqualTo(new ConnectionLimit(Duration.ofMinutes(2), 131072));

    Listener b = listener();
    RelayClient bRelays = RelayClient.create(b);
    closers.add(bRelays);
    Peer peer = get(bRelays.dial(r.addrs().get(0)));
    assertThat(peer.limit()).contains(new ConnectionLimit(Duration.ofMinutes(2), 131072));
    assertThat(get(peer.ping())).isPositive();
    assertThat(get(peer.identify()).protocols()).contains("/ipfs/ping/1.0.0");
    assertThatThrownBy(() -> get(EchoClient.roundTrip(peer, new byte[10])))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(LimitExceededException.class);
    // Once echo opts in on both ends it runs.
    aRelays.allowOnLimitedConnections(EchoClient.PROTOCOL);
    bRelays.allowOnLimitedConnections(EchoClient.PROTOCOL);
    assertThat(get(EchoClient.roundTrip(peer, new byte[1000]))).isPositive();
  }

  @Test
  void connectToAPeerWithoutReservationIsRefusedWithTheRelaysStatus() throws Exception {
    Multiaddr relayAddr = startRelay(RelayLimiter.unlimited());
    Listener a = listener();
    Listener b = listener();
    RelayClient bRelays = RelayClient.create(b);
    closers.add(bRelays);
    assertThatThrownBy(() -> get(bRelays.dial(relayAddr, a.peerId())))
        .hasCauseInstanceOf(RelayException.class)
        .satisfies(e -> assertThat(((RelayException) e.getCause()).statusName()).isEqualTo("NO_RESERVATION"));
  }

  @Test
  void reservationIsRefreshedBeforeItExpires() throws Exception {
    Multiaddr relayAddr = startRelay(RelayLimiter.builder().reservationTtl(Duration.ofSeconds(4)).build());
    Listener a = listener();
    RelayClient aRelays = RelayClient.create(a);
    closers.add(aRelays);
    List<Reservation> granted = new CopyOnWriteArrayList<>();
    aRelays.watch(new ReservationWatcher() {
      @Override
      public void reserved(Reservation reservation) {
        granted.add(reservation);
      }
    });
    Reservation first = get(aRelays.reserve(relayAddr));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> granted.size() >= 3);
    assertThat(granted.get(2).expiration()).isAfter(first.expiration());
    assertThat(relay.reservations()).hasSize(1);
  }
}
