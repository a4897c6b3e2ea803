package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.DialStage;
import io.peerlink.relay.Manager;
import io.peerlink.relay.holepunch.HolePunchConfig;
import io.peerlink.relay.holepunch.HolePunchEvent;
import io.peerlink.relay.spi.RelayHopOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole DCUtR exchange between two peerlink hosts over a peerlink relay on 127.0.0.1. Both
 * count 127.0.0.0/8 as public so DCUtR runs; connection reversal is off so the punch itself must
 * win. On loopback the "punch" is the two dials from the listening ports: one SYN reaches the other
 * side's listener first, which must still upgrade it in the punch's role (A the client).
 */
class HolePunchLoopbackTest {
  private final List<Manager> managers = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (int i = managers.size() - 1; i >= 0; i--) {
      managers.get(i).close();
    }
  }

  private static final HolePunchConfig NO_REVERSAL =
      new HolePunchConfig(3, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ZERO);

  private Manager relay() throws Exception {
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .relayHopOptions(new RelayHopOptions(AddressFilter.everything(), Duration.ZERO))
        .build();
    managers.add(m);
    get(m.start());
    m.enableRelay();
    return m;
  }

  private Manager peer(HolePunchConfig punch, Duration punchTimeout, Consumer<DialStage> stages) throws Exception {
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .publicAddressFilter(AddressFilter.internet().withPublic("127.0.0.0/8"))
        .holePunching(punch)
        .punchTimeout(punchTimeout)
        .onDialStage(stages)
        .build();
    managers.add(m);
    return get(m.start());
  }

  /** B's next hole punch event of {@code kind}. */
  private static CompletableFuture<HolePunchEvent> next(Manager m, HolePunchEvent.Kind kind) {
    CompletableFuture<HolePunchEvent> f = new CompletableFuture<>();
    m.holePuncher().orElseThrow().addListener(e -> {
      if (e.kind() == kind) {
        f.complete(e);
      }
    });
    return f;
  }

  private static Peer connectionOf(Manager m, Manager to, ConnectionPath path) {
    return m.listener().peers().stream()
        .filter(p -> p.peerId().equals(to.peerId()) && p.path() == path && p.isOpen())
        .findFirst().orElseThrow(() -> new AssertionError("no open " + path + " connection to " + to.peerId()));
  }

  private static void echoes(Peer p) throws Exception {
    byte[] hello = "over the punched connection".getBytes(StandardCharsets.UTF_8);
    assertThat(get(EchoClient.roundTrip(p, hello))).isPositive();
  }

  @Test
  void dialWithPriorityEndsHolePunchedWithTheSpecRolesAndKeepsTheRelay() throws Exception {
    Multiaddr relayAddr = relay().listener().listenAddresses().get(0);
    Manager b = peer(NO_REVERSAL, Duration.ofSeconds(20), s -> { });
    b.setRelayAddr(relayAddr);
    get(b.relayService().connect());
    CompletableFuture<HolePunchEvent> bSucceeded = next(b, HolePunchEvent.Kind.SUCCEEDED);

    Manager a = peer(NO_REVERSAL, Duration.ofSeconds(20), s -> { });
    a.setRelayAddr(relayAddr);
    DialReport report = get(a.dialWithReport(b.peerId(), List.of()));

    assertThat(report.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(report.stages()).extracting(s -> s.stage() + " " + s.outcome())
        .containsExactly("direct skipped", "holepunch ok", "relay kept");
    Peer direct = report.peer();
    assertThat(direct.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(direct.direction()).isEqualTo(Direction.OUTBOUND); // A: multistream, TLS and yamux client

    HolePunchEvent ev = get(bSucceeded);
    assertThat(ev.role()).isEqualTo("B");
    Peer onB = connectionOf(b, a, ConnectionPath.HOLE_PUNCHED);
    assertThat(onB.direction()).isEqualTo(Direction.INBOUND); // B: the server of everything
    assertThat(onB.localAddress()).isEqualTo(direct.remoteAddress().withoutPeerId());

    // The relayed connection stays (signalling for later punches, quick recovery).
    assertThat(connectionOf(a, b, ConnectionPath.RELAYED).direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(connectionOf(b, a, ConnectionPath.RELAYED).direction()).isEqualTo(Direction.INBOUND);

    // The direct connection carries streams both ways, and the next dial reuses it.
    echoes(direct);
    echoes(onB);
    assertThat(get(a.dialWithPriority(b.peerId(), List.of()))).isSameAs(direct);
  }

  @Test
  void legacyRolesOnTheLastAttemptStillAgreeBetweenTwoPeerlinkPeers() throws Exception {
    // One attempt, so the first round is the last: B plays the client and A the server.
    HolePunchConfig legacy =
        new HolePunchConfig(1, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ZERO, true);
    Multiaddr relayAddr = relay().listener().listenAddresses().get(0);
    Manager b = peer(legacy, Duration.ofSeconds(20), s -> { });
    b.setRelayAddr(relayAddr);
    get(b.relayService().connect());
    CompletableFuture<HolePunchEvent> bSucceeded = next(b, HolePunchEvent.Kind.SUCCEEDED);
    Manager a = peer(legacy, Duration.ofSeconds(20), s -> { });
    a.setRelayAddr(relayAddr);

    DialReport report = get(a.dialWithReport(b.peerId(), List.of()));
    assertThat(report.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(report.peer().direction()).isEqualTo(Direction.INBOUND);
    get(bSucceeded);
    assertThat(connectionOf(b, a, ConnectionPath.HOLE_PUNCHED).direction()).isEqualTo(Direction.OUTBOUND);
    echoes(report.peer());
  }

  @Test
  void aPunchThatWinsAfterTheDialReturnedUpgradesInTheBackground() throws Exception {
    Multiaddr relayAddr = relay().listener().listenAddresses().get(0);
    Manager b = peer(NO_REVERSAL, Duration.ofSeconds(20), s -> { });
    b.holePuncher().orElseThrow().initiateOnInbound(false); // B punches when the test says so
    b.setRelayAddr(relayAddr);
    get(b.relayService().connect());

    CompletableFuture<DialStage> upgraded = new CompletableFuture<>();
    Manager a = peer(NO_REVERSAL, Duration.ofMillis(200), s -> {
      if (s.outcome().equals("upgraded")) {
        upgraded.complete(s);
      }
    });
    a.setRelayAddr(relayAddr);
    DialReport report = get(a.dialWithReport(b.peerId(), List.of()));
    assertThat(report.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(report.stages()).extracting(s -> s.stage() + " " + s.outcome())
        .containsExactly("direct skipped", "holepunch failed", "relay ok");
    assertThat(upgraded).isNotDone();

    Peer relayedOnB = connectionOf(b, a, ConnectionPath.RELAYED);
    Peer punchedOnB = get(b.holePuncher().orElseThrow().punch(relayedOnB));
    assertThat(punchedOnB.direction()).isEqualTo(Direction.INBOUND);

    DialStage up = get(upgraded);
    assertThat(up.stage()).isEqualTo("holepunch");
    assertThat(up.target()).isEqualTo(b.peerId());
    Peer direct = get(a.dialWithPriority(b.peerId(), List.of()));
    assertThat(direct.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(direct.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(report.peer().isOpen()).isTrue(); // the relayed one stays
    echoes(direct);
  }
}
