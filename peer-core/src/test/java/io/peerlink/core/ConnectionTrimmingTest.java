package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.connmgr.ConnectionManager;
import io.peerlink.core.internal.host.FrontDoors;
import io.peerlink.core.internal.host.HostCore;
import io.peerlink.core.spi.Host;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Watermark trimming on real loopback connections, with the host's clock stepped past the grace
 * period: what is spared (protected, young, the last path of busy peers) and what goes first.
 */
@Timeout(60)
class ConnectionTrimmingTest extends PeerTestSupport {
  private final Clock[] now = {Clock.systemUTC()};

  private Listener trimmingListener(int low, int high) {
    PeerConfig config = FAST.toBuilder().connectionManager(ConnectionManagerConfig.builder()
        .watermarks(low, high).gracePeriod(Duration.ofSeconds(20)).build()).build();
    Listener l = listen(Listener.builder(Identity.generate()).config(config).listenOn(LOOPBACK)
        .handler("/hold/1.0.0", s -> { }));
    FrontDoors.host(l).useClock(new SteppedClock(now));
    return l;
  }

  private void stepPastGrace() {
    now[0] = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(21));
  }

  @Test
  void aboveTheHighWatermarkTheLeastUsefulGoDownToTheLowOneSparingProtectedYoungAndBusyPaths()
      throws Exception {
    Listener server = trimmingListener(2, 3);
    HostCore core = FrontDoors.host(server);
    ConnectionManager manager = core.connectionManager();
    List<Connector> clients = new ArrayList<>();
    List<Peer> inbound = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Connector c = connector();
      clients.add(c);
      get(c.connect(server.listenAddresses().get(0)));
      await("the server holds connection " + i, () -> core.connections().size() == clients.size());
    }
    for (Connector c : clients) {
      inbound.add(core.connections().stream().filter(p -> p.peerId().equals(c.peerId())).findFirst().orElseThrow());
    }
    assertThat(manager.trim()).as("all within the grace period").isEmpty();

    stepPastGrace();
    core.protect(clients.get(0).peerId(), "relay-reservation");
    Peer busy = clients.get(1).peers().get(0);
    get(busy.newStream("/hold/1.0.0", s -> { })); // an open stream: more useful than idle ones
    await("the server sees the stream", () -> inbound.get(1).openStreams() > 0);
    manager.workStarted(clients.get(2).peerId()); // a call in flight: its only path stays

    List<Peer> closed = manager.trim();
    // 5 open, low watermark 2: three go. Idle ones first (3 and 4, the quieter first), then the
    // busy one (1).
    assertThat(closed).hasSize(3);
    assertThat(closed.subList(0, 2)).containsExactlyInAnyOrder(inbound.get(3), inbound.get(4));
    assertThat(closed.get(2)).isSameAs(inbound.get(1));
    for (Peer p : closed) {
      get(p.closeFuture());
    }
    assertThat(core.connections()).containsExactlyInAnyOrder(inbound.get(0), inbound.get(2));
    assertThat(manager.trim()).as("at the low watermark now").isEmpty();
    manager.workEnded(clients.get(2).peerId());
  }

  @Test
  void aTrimAskedForGoesDownToTheLowWatermarkBelowTheHighOne() throws Exception {
    Listener server = trimmingListener(1, 10);
    HostCore core = FrontDoors.host(server);
    List<Connector> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Connector c = connector();
      clients.add(c);
      get(c.connect(server.listenAddresses().get(0)));
      await("the server holds connection " + i, () -> core.connections().size() == clients.size());
    }
    stepPastGrace();
    assertThat(core.connectionManager().trim()).as("below the high watermark").isEmpty();
    core.protect(clients.get(0).peerId(), "daemon-tag");

    assertThat(Host.of(server).trimConnections()).isEqualTo(2);
    await("two connections to close", () -> core.connections().size() == 1);
    assertThat(core.connections().iterator().next().peerId()).as("the tagged peer stays").isEqualTo(clients.get(0).peerId());
    assertThat(Host.of(server).trimConnections()).as("at the low watermark").isZero();
  }

  @Test
  void aRelayedConnectionToAPeerAlsoReachedDirectlyIsTrimmedFirst() throws Exception {
    Listener server = trimmingListener(1, 2);
    HostCore core = FrontDoors.host(server);
    Listener b = listen();
    Listener c = listen();
    Peer toB = get(Host.of(b).dial(server.listenAddresses().get(0)));
    LoopbackCircuit.Ends circuit = LoopbackCircuit.open(Host.of(b), core, Identity.generate().peerId());
    get(toB.send(new byte[1])); // b's direct connection was active after c's: c's is the quieter
    Peer toC = get(Host.of(c).dial(server.listenAddresses().get(0)));
    await("three connections", () -> core.connections().size() == 3);
    get(Host.of(b).connections().stream().filter(p -> p.path() == ConnectionPath.DIRECT).findFirst()
        .orElseThrow().send(new byte[1]));
    stepPastGrace();
    List<Peer> closed = core.connectionManager().trim();
    assertThat(closed).hasSize(2);
    assertThat(closed.get(0)).isSameAs(circuit.target());
    assertThat(closed.get(1).peerId()).isEqualTo(c.peerId());
    get(toC.closeFuture());
    assertThat(toB.isOpen()).isTrue();
  }

  @Test
  void trimmingNeverClosesAllPathsOfAPeerWithWorkInFlight() throws Exception {
    Listener server = trimmingListener(1, 1);
    HostCore core = FrontDoors.host(server);
    Listener b = listen();
    get(Host.of(b).dial(server.listenAddresses().get(0)));
    LoopbackCircuit.open(Host.of(b), core, Identity.generate().peerId());
    await("two connections", () -> core.connections().size() == 2);
    stepPastGrace();
    core.connectionManager().workStarted(b.peerId());
    List<Peer> closed = core.connectionManager().trim();
    assertThat(closed).hasSize(1); // one path may go, never both
    assertThat(closed.get(0).path()).isEqualTo(ConnectionPath.RELAYED);
  }
}
