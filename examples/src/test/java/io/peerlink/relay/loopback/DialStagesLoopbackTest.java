package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.AddressBook;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.DialStage;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.HolePunchConfig;
import io.peerlink.relay.Manager;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code dialWithPriority} as happy eyeballs over every path, on 127.0.0.1 with a real relay
 * server: the first usable connection comes back while slower stages go on, every known relay is a
 * way in, and one circuit per (relay, peer) is reused.
 */
@Timeout(90)
class DialStagesLoopbackTest {
  private final List<AutoCloseable> closers = new ArrayList<>();
  private final List<RelayServer> relays = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
    for (RelayServer r : relays) {
      r.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    }
  }

  /** The dial events in the order they were delivered, as "start relay", "end direct" and so on. */
  static final class StageLog implements EventListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void dialStageStart(PeerId peer, DialStage stage) {
      events.add("start " + stage.label());
    }

    @Override
    public void dialStageEnd(PeerId peer, DialStage stage, Peer connection, Duration took) {
      events.add("end " + stage.label());
    }

    @Override
    public void dialStageFailed(PeerId peer, DialStage stage, PeerException error, Duration took) {
      events.add("failed " + stage.label());
    }
  }

  private Multiaddr relay(RelayLimiter limiter) throws Exception {
    RelayServer r = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(limiter)
        .publicAddressFilter(AddressFilter.everything())
        .build();
    relays.add(r);
    get(r.start());
    return r.listener().listenAddresses().get(0);
  }

  private Manager peer(HolePunchConfig punch, EventListener events) throws Exception {
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(Echo.PROTOCOL_ID, Echo.handler())
        .handlerOnLimitedConnections("/test/limited-echo/1.0.0", Echo.handler())
        .publicAddressFilter(AddressFilter.internet().withPublic("127.0.0.0/8"))
        .holePunching(punch)
        .eventListener(events)
        .build();
    closers.add(m);
    return get(m.start());
  }

  /** A peer reachable through {@code relayAddr} (reserved there), that never starts a hole punch. */
  private Manager reservedPeer(Multiaddr... relayAddrs) throws Exception {
    Manager b = peer(null, EventListener.NONE);
    for (Multiaddr r : relayAddrs) {
      get(b.reserve(r));
    }
    return b;
  }

  private static List<String> stages(DialReport report) {
    return report.stages().stream()
        .map(s -> s.stage().label() + " " + s.outcome().name().toLowerCase(Locale.ROOT)).toList();
  }

  @Test
  void aRemoteThatNeverPunchesGetsTheRelayedConnectionWithoutWaitingForThePunch() throws Exception {
    Multiaddr relayAddr = relay(RelayLimiter.defaults());
    Manager b = reservedPeer(relayAddr);
    StageLog log = new StageLog();
    // A waits up to punchTimeout (30 s) for a punch; b never starts one.
    Manager a = peer(HolePunchConfig.defaults(), log);
    a.setRelayAddr(relayAddr);

    DialReport report = get(a.dialWithReport(b.peerId(), List.of()));

    assertThat(report.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(stages(report)).containsExactly("direct skipped", "relay ok", "holepunch running");
    await().atMost(Duration.ofSeconds(5)).until(() -> log.events.contains("end relay"));
    assertThat(log.events).containsSubsequence("start relay", "start holepunch", "end relay")
        .doesNotContain("end holepunch", "failed holepunch");
    // Limited by the relay's default limits: a protocol allowed there carries a stream at once.
    Peer relayed = report.peer();
    assertThat(get(relayed.ping())).isPositive();
  }

  @Test
  void aBlackholedDirectAddressDoesNotHoldUpTheRelay() throws Exception {
    Multiaddr relayAddr = relay(RelayLimiter.defaults());
    Manager b = reservedPeer(relayAddr);
    StageLog log = new StageLog();
    Manager a = peer(null, log);
    a.setRelayAddr(relayAddr);
    try (Blackhole hole = new Blackhole()) {
      Multiaddr dead = Multiaddr.fromSocketAddress(hole.address()).withPeerId(b.peerId());

      DialReport report = get(a.dialWithReport(b.peerId(), List.of(dead)));

      assertThat(report.path()).isEqualTo(ConnectionPath.RELAYED);
      assertThat(stages(report)).containsExactly("direct running", "relay ok");
      // The direct dial ends later, on its own connect timeout, after the relay returned.
      await().atMost(Duration.ofSeconds(15)).until(() -> log.events.contains("failed direct"));
      assertThat(log.events).containsSubsequence("start direct", "start relay", "end relay", "failed direct");
    }
  }

  @Test
  void aWorkingDirectAddressWinsBeforeTheRelayStageStarts() throws Exception {
    Multiaddr relayAddr = relay(RelayLimiter.defaults());
    Manager b = reservedPeer(relayAddr);
    StageLog log = new StageLog();
    Manager a = peer(null, log);
    a.setRelayAddr(relayAddr);

    DialReport report = get(a.dialWithReport(b.peerId(), b.listener().listenAddresses()));

    assertThat(report.path()).isEqualTo(ConnectionPath.DIRECT);
    assertThat(stages(report)).containsExactly("direct ok");
    assertThat(log.events).doesNotContain("start relay");
  }

  @Test
  void circuitAddressesGivenByTheCallerAndOurReservationsAreWaysIn() throws Exception {
    Multiaddr r1 = relay(RelayLimiter.defaults());
    Multiaddr r2 = relay(RelayLimiter.defaults());
    Manager b = reservedPeer(r1);
    Manager c = reservedPeer(r2);
    Manager a = peer(null, EventListener.NONE);

    // No relay set: the /p2p-circuit address given is the way in.
    Multiaddr bViaR1 = b.relayedAddresses().get(0);
    Peer toB = get(a.dialWithPriority(b.peerId(), List.of(bViaR1)));
    assertThat(toB.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(a.reservations()).isEmpty(); // dialing reserves nothing

    // A relay we hold a reservation on (as AutoRelay's are) is a way in too.
    get(a.reserve(r2));
    Peer toC = get(a.dialWithPriority(c.peerId(), List.of()));
    assertThat(toC.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(RelayClient.relayOf(toC)).contains(r2.peerId().orElseThrow());
  }

  @Test
  void aCircuitAddressInTheAddressBookIsAWayIn() throws Exception {
    Multiaddr r1 = relay(RelayLimiter.defaults());
    Manager b = reservedPeer(r1);
    Manager a = peer(null, EventListener.NONE);

    // No relay set, none given, no reservation: only the address book knows b's relay (as it
    // would from identify, identify push, or the application).
    Host.of(a.listener()).addressBook().add(b.peerId(), b.relayedAddresses(), AddressBook.ADDRESS_TTL);
    Peer toB = get(a.dialWithPriority(b.peerId(), List.of()));
    assertThat(toB.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(RelayClient.relayOf(toB)).contains(r1.peerId().orElseThrow());
  }

  @Test
  void aSecondRelaySetKeepsTheFirstReservation() throws Exception {
    Multiaddr r1 = relay(RelayLimiter.defaults());
    Multiaddr r2 = relay(RelayLimiter.defaults());
    Manager b = peer(null, EventListener.NONE);
    b.setRelayAddr(r1);
    get(b.connectRelay());
    b.setRelayAddr(r2);
    await().atMost(Duration.ofSeconds(20)).until(() -> b.reservations().size() == 2);
    assertThat(b.relayAddrs()).containsExactly(r1, r2);
    assertThat(b.relayAddr()).contains(r2);
    assertThat(b.relayedAddresses()).hasSize(2);
    Host host = Host.of(b.listener());
    assertThat(host.isProtected(r1.peerId().orElseThrow())).isTrue();
    assertThat(host.isProtected(r2.peerId().orElseThrow())).isTrue();

    assertThat(b.removeRelayAddr(r1.peerId().orElseThrow())).isTrue();
    assertThat(b.reservations()).extracting(r -> r.relay()).containsExactly(r2.peerId().orElseThrow());
    assertThat(host.isProtected(r1.peerId().orElseThrow())).isFalse();
  }

  @Test
  void aHundredDialsThroughOneRelayMakeOneCircuit() throws Exception {
    Multiaddr relayAddr = relay(RelayLimiter.defaults()); // 16 circuits per peer at most
    RelayServer server = relays.get(0);
    Manager b = reservedPeer(relayAddr);
    Manager a = peer(null, EventListener.NONE);
    a.setRelayAddr(relayAddr);

    // Concurrent dials share the circuit being set up ...
    List<CompletableFuture<Peer>> together = IntStream.range(0, 20)
        .mapToObj(i -> a.dialViaRelay(b.peerId())).toList();
    Peer first = get(together.get(0));
    for (CompletableFuture<Peer> f : together) {
      assertThat(get(f)).isSameAs(first);
    }
    // ... and later dials reuse it while it is open.
    for (int i = 0; i < 80; i++) {
      // dialWithPriority returns b's handle, whose one connection is that circuit.
      assertThat(((PeerHandle) get(a.dialWithPriority(b.peerId(), List.of()))).connections()).containsExactly(first);
    }
    assertThat(server.circuits()).hasSize(1);
    assertThat(get(first.ping())).isPositive();

    // The circuit protects the relay connection on both ends while it runs.
    PeerId relayId = server.peerId();
    assertThat(Host.of(a.listener()).isProtected(relayId)).isTrue();
    assertThat(a.stopReconnecting(b.peerId())).isTrue(); // closing it on purpose
    get(first.close());
    await().atMost(Duration.ofSeconds(10)).until(() -> !Host.of(a.listener()).isProtected(relayId));
    // b still holds its reservation there.
    assertThat(Host.of(b.listener()).isProtected(relayId)).isTrue();
  }

  /**
   * A local port that accepts no connection: its accept queue is full, so the kernel drops every
   * further SYN and a connect hangs until its timeout, as a blackholed address does.
   */
  static final class Blackhole implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    Blackhole() throws Exception {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      for (int i = 0; i < 4; i++) {
        Socket s = new Socket();
        try {
          s.connect(server.getLocalSocketAddress(), 200);
          fillers.add(s);
        } catch (IOException full) {
          s.close();
          break; // the queue is full: connects hang from here on
        }
      }
    }

    InetSocketAddress address() {
      return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() throws Exception {
      for (Socket s : fillers) {
        s.close();
      }
      server.close();
    }
  }
}
