package io.peerlink.relay.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.Stream;
import io.peerlink.core.event.PathChangeReason;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-peer handle over a direct connection and a circuit through a real peerlink relay, on
 * 127.0.0.1: b dials a through the relay, and directly as a hole punch would.
 */
@Timeout(90)
class PeerHandleRelayLoopbackTest {
  private static final String APP = "/app/1.0.0";
  private final List<AutoCloseable> closers = new ArrayList<>();
  private final List<PathChangeReason> bChanges = new CopyOnWriteArrayList<>();
  private RelayServer relay;
  private Listener a;
  private Listener b;
  private RelayClient bRelays;
  private Reservation reservation;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
    if (relay != null) {
      relay.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    }
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  /** A relay with {@code limiter}, a reserved on it, and b ready to dial a through it. */
  private void start(RelayLimiter limiter, PeerConfig bConfig) throws Exception {
    relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(limiter)
        .publicAddressFilter(AddressFilter.everything())
        .build();
    get(relay.start());
    a = listener(PeerConfig.defaults(), EventListener.NONE);
    RelayClient aRelays = RelayClient.create(a);
    closers.add(aRelays);
    reservation = get(aRelays.reserve(relay.listener().listenAddresses().get(0)));
    b = listener(bConfig, new EventListener() {
      @Override
      public void pathChanged(PeerId peer, Peer from, Peer to, PathChangeReason reason) {
        if (!peer.equals(relay.peerId())) { // b's handle of the relay has its own changes
          bChanges.add(reason);
        }
      }
    });
    bRelays = RelayClient.create(b);
    closers.add(bRelays);
  }

  private Listener listener(PeerConfig config, EventListener events) throws Exception {
    Listener l = Listener.builder(Identity.generate()).config(config)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(Echo.PROTOCOL_ID, Echo.handler())
        .eventListener(events)
        .build();
    closers.add(l);
    return get(l.start());
  }

  private Peer relayed() throws Exception {
    return get(bRelays.dial(reservation.addrs().get(0)));
  }

  private Peer direct() throws Exception {
    Connector c = Connector.sharing(b).build();
    return get(c.connect(a.listenAddresses().get(0)));
  }

  /** Events reach listeners on their executor, after the change: wait for them. */
  private void awaitChanges(PathChangeReason... expected) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(bChanges).containsExactly(expected));
  }

  private PeerHandle bHandle() {
    return b.handle(a.peerId()).orElseThrow();
  }

  @Test
  void messagesCrossALimitedCircuitBothWays() throws Exception {
    start(RelayLimiter.defaults(), PeerConfig.defaults());
    Peer circuit = relayed();
    assertThat(circuit.limit()).contains(new ConnectionLimit(Duration.ofMinutes(2), 131072));

    PeerHandle handle = bHandle();
    get(handle.send("hello through the relay".getBytes(StandardCharsets.UTF_8)));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> a.handle(b.peerId()).isPresent());
    PeerHandle back = a.handle(b.peerId()).orElseThrow();
    assertThat(new String(get(back.receive()), StandardCharsets.UTF_8)).isEqualTo("hello through the relay");
    get(back.send(new byte[4096]));
    assertThat(get(handle.receive())).hasSize(4096);
  }

  @Test
  void aStreamOnALimitedCircuitFailsWithLimitAfterTheWaitAndOpensOnADirectConnectionThatComesInIt()
      throws Exception {
    start(RelayLimiter.defaults(), PeerConfig.builder().waitForDirectConnection(Duration.ofMillis(500)).build());
    relayed();
    PeerHandle handle = bHandle();

    long start = System.nanoTime();
    assertThatThrownBy(() -> get(handle.newStream(APP, s -> { })))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("allow the protocol on limited connections");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));

    CompletableFuture<Peer> waiting = handle.directConnection(Duration.ofSeconds(20));
    Peer punched = direct();
    assertThat(get(waiting)).isSameAs(punched);
    Stream s = get(handle.newStream(Echo.PROTOCOL_ID, st -> { }));
    assertThat(s.peer().path()).isEqualTo(ConnectionPath.DIRECT);
    s.channel().close();
    awaitChanges(PathChangeReason.FIRST, PathChangeReason.BETTER_PATH);
  }

  @Test
  void theCircuitTakesNewStreamsTheMomentTheDirectConnectionDiesWhileBulkStreamsOnItComplete() throws Exception {
    start(RelayLimiter.unlimited(), PeerConfig.defaults());
    Peer circuit = relayed();
    Peer directConn = direct();
    PeerHandle handle = bHandle();
    assertThat(handle.current()).contains(directConn);

    byte[] bulk = new byte[12 * 1024 * 1024];
    new Random(7).nextBytes(bulk);
    CompletableFuture<Duration> onCircuit = Echo.roundTrip(circuit, bulk);
    get(directConn.close());

    assertThat(handle.current()).contains(circuit);
    Stream s = get(handle.newStream(Echo.PROTOCOL_ID, st -> { }));
    assertThat(s.peer()).isSameAs(circuit);
    s.channel().close();
    get(Echo.roundTrip(handle, new byte[256 * 1024]));
    onCircuit.get(60, TimeUnit.SECONDS); // every byte checked on the way back
    awaitChanges(PathChangeReason.FIRST, PathChangeReason.BETTER_PATH, PathChangeReason.PATH_LOST);
  }
}
