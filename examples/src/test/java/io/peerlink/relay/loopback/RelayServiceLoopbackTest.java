package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.EventListener;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.RelayState;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.RelayServiceConfig;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.internal.client.RelayService;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import io.peerlink.relay.spi.RelayHopOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every RelayService transition, against a real peerlink relay on 127.0.0.1. */
class RelayServiceLoopbackTest {
  private final List<AutoCloseable> closers = new ArrayList<>();
  private final List<RelayServer> relays = new ArrayList<>();
  private final Identity relayIdentity = Identity.generate();
  private final List<Change> changes = new CopyOnWriteArrayList<>();

  /** One relayStateChanged event. */
  record Change(RelayState from, RelayState to, Multiaddr relay, PeerException cause, Duration retryIn) {}

  /** Records the relay service's state changes. */
  private final EventListener recorder = new EventListener() {
    @Override
    public void relayStateChanged(RelayState from, RelayState to, Multiaddr relay, PeerException cause,
        Duration retryIn) {
      changes.add(new Change(from, to, relay, cause, retryIn));
    }
  };

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
    for (RelayServer r : relays) {
      r.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private RelayServer startRelay(int port) throws Exception {
    RelayServer relay = RelayServer.builder(relayIdentity)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port))
        .limiter(RelayLimiter.unlimited())
        .publicAddressFilter(AddressFilter.everything())
        .build();
    relays.add(relay);
    get(relay.start());
    return relay;
  }

  private Multiaddr relayAddr(int port) {
    return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port).withPeerId(relayIdentity.peerId());
  }

  private Listener listener() throws Exception {
    Listener l = Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .eventListener(recorder).build();
    closers.add(l);
    return get(l.start());
  }

  private RelayService service(Listener l) {
    RelayService s = RelayService.create(RelayClient.create(l), l, RelayServiceConfig.builder()
        .initialBackoff(Duration.ofMillis(200)).maxBackoff(Duration.ofMillis(800)).build());
    closers.add(s);
    closers.add(s.client());
    return s;
  }

  private List<String> transitions() {
    return changes.stream().map(c -> c.from() + ">" + c.to()).toList();
  }

  @Test
  void noneConfiguredConnectingConnectedAndBackToNone() throws Exception {
    int port = freePort();
    startRelay(port);
    RelayService s = service(listener());
    assertThat(s.state()).isEqualTo(RelayState.NONE);
    assertThatThrownBy(s::connect).isInstanceOf(IllegalStateException.class);
    s.setRelay(relayAddr(port));
    assertThat(s.state()).isEqualTo(RelayState.CONFIGURED);
    assertThat(s.relay()).contains(relayAddr(port));
    Reservation r = get(s.connect());
    assertThat(s.state()).isEqualTo(RelayState.CONNECTED);
    assertThat(s.reservation()).contains(r);
    assertThat(s.relayedAddresses()).isEqualTo(r.addrs());
    s.removeRelay();
    assertThat(s.state()).isEqualTo(RelayState.NONE);
    assertThat(s.relay()).isEmpty();
    assertThat(s.client().relayedAddresses()).isEmpty();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> changes.size() == 4);
    assertThat(transitions()).containsExactly(
        "NONE>CONFIGURED", "CONFIGURED>CONNECTING", "CONNECTING>CONNECTED", "CONNECTED>NONE");
  }

  @Test
  void failedConnectReturnsToConfiguredWithBackoffAndRetriesUntilTheRelayIsUp() throws Exception {
    int port = freePort();
    RelayService s = service(listener());
    s.setRelay(relayAddr(port));
    assertThatThrownBy(() -> get(s.connect())).hasMessageContaining("connect");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> changes.stream().filter(c -> c.to() == RelayState.CONFIGURED && c.cause() != null).count() >= 3);
    List<Change> failures = changes.stream().filter(c -> c.cause() != null).toList();
    assertThat(failures.get(0).from()).isEqualTo(RelayState.CONNECTING);
    assertThat(failures.get(0).retryIn()).isEqualTo(Duration.ofMillis(200));
    assertThat(failures.get(1).retryIn()).isEqualTo(Duration.ofMillis(400));
    assertThat(failures.get(2).retryIn()).isEqualTo(Duration.ofMillis(800));
    startRelay(port);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> s.state() == RelayState.CONNECTED);
    assertThat(transitions().get(transitions().size() - 1)).isEqualTo("CONNECTING>CONNECTED");
  }

  @Test
  void relayRestartIsRecoveredWithoutUserAction() throws Exception {
    int port = freePort();
    RelayServer first = startRelay(port);
    Listener a = listener();
    RelayService s = service(a);
    s.setRelay(relayAddr(port));
    Reservation r = get(s.connect());
    get(first.stop(Duration.ZERO));
    relays.remove(first);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> changes.stream().anyMatch(c -> c.from() == RelayState.CONNECTED && c.to() == RelayState.CONFIGURED));
    Change drop = changes.stream().filter(c -> c.from() == RelayState.CONNECTED).findFirst().orElseThrow();
    assertThat(drop.cause()).isNotNull();
    assertThat(drop.retryIn()).isNotNull();
    int dropAt = changes.indexOf(drop);
    // A retry fails while the relay is down (the service keeps trying on its own).
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> changes.stream().skip(dropAt + 1)
            .anyMatch(c -> c.from() == RelayState.CONNECTING && c.to() == RelayState.CONFIGURED));
    startRelay(port);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> s.state() == RelayState.CONNECTED);
    // Reachable again through the restarted relay.
    Listener b = listener();
    RelayClient bRelays = RelayClient.create(b);
    closers.add(bRelays);
    Peer p = get(bRelays.dial(r.addrs().get(0)));
    assertThat(p.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(get(p.ping())).isPositive();
  }

  @Test
  void dialViaRelayReservesNothingAndReplacingTheRelayReconnects() throws Exception {
    int port = freePort();
    startRelay(port);
    Listener a = listener();
    RelayService sa = service(a);
    sa.setRelay(relayAddr(port));
    get(sa.connect());

    Listener b = listener();
    RelayService sb = RelayService.create(RelayClient.create(b), b, RelayServiceConfig.defaults());
    closers.add(sb);
    closers.add(sb.client());
    sb.setRelay(relayAddr(port));
    Peer p = get(sb.dialViaRelay(a.peerId()));
    assertThat(p.peerId()).isEqualTo(a.peerId());
    assertThat(p.path()).isEqualTo(ConnectionPath.RELAYED);
    // Dialing through the relay reserves nothing there: a reservation is for being reached.
    assertThat(sb.state()).isEqualTo(RelayState.CONFIGURED);
    assertThat(sb.client().reservations()).isEmpty();

    // a serves as a relay itself (through relay-server's provider); sa switches to it.
    sb.enable(new RelayHopOptions(AddressFilter.everything(), Duration.ZERO));
    assertThat(sb.isEnabled()).isTrue();
    changes.clear();
    sa.setRelay(b.listenAddresses().get(0));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> sa.state() == RelayState.CONNECTED);
    assertThat(transitions()).containsExactly("CONNECTED>CONFIGURED", "CONFIGURED>CONNECTING", "CONNECTING>CONNECTED");
    Listener c = listener();
    RelayClient cRelays = RelayClient.create(c);
    closers.add(cRelays);
    Peer viaB = get(cRelays.dial(sa.reservation().orElseThrow().addrs().get(0)));
    assertThat(viaB.peerId()).isEqualTo(a.peerId());
    get(sb.disable());
    assertThat(sb.isEnabled()).isFalse();
  }
}
