package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.event.PunchRole;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.HolePunchConfig;
import io.peerlink.relay.Manager;
import io.peerlink.relay.spi.RelayHopOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
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

  private static final HolePunchConfig NO_REVERSAL = HolePunchConfig.builder().attempts(3)
      .messageTimeout(Duration.ofSeconds(10)).dialTimeout(Duration.ofSeconds(5)).reversalTimeout(Duration.ZERO).build();

  /** The first successful punch a manager reports, in each role. */
  static final class Punches implements EventListener {
    final CompletableFuture<Peer> asInitiator = new CompletableFuture<>();
    final CompletableFuture<Peer> asResponder = new CompletableFuture<>();

    @Override
    public void holePunchEnd(PeerId peer, PunchRole role, Peer connection, Duration took) {
      (role == PunchRole.INITIATOR ? asInitiator : asResponder).complete(connection);
    }
  }

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

  private Manager peer(HolePunchConfig punch, Duration punchTimeout, EventListener events) throws Exception {
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(Echo.PROTOCOL_ID, Echo.handler())
        .publicAddressFilter(AddressFilter.internet().withPublic("127.0.0.0/8"))
        .holePunching(punch)
        .punchTimeout(punchTimeout)
        .eventListener(events)
        .build();
    managers.add(m);
    return get(m.start());
  }

  private static List<String> stages(DialReport report) {
    return report.stages().stream().map(s -> s.stage().label() + " " + s.outcome().name().toLowerCase(Locale.ROOT)).toList();
  }

  private static Peer connectionOf(Manager m, Manager to, ConnectionPath path) {
    return m.listener().peers().stream()
        .filter(p -> p.peerId().equals(to.peerId()) && p.path() == path && p.isOpen())
        .findFirst().orElseThrow(() -> new AssertionError("no open " + path + " connection to " + to.peerId()));
  }

  private static void echoes(Peer p) throws Exception {
    byte[] hello = "over the punched connection".getBytes(StandardCharsets.UTF_8);
    assertThat(get(Echo.roundTrip(p, hello))).isPositive();
  }

  @Test
  void dialWithPriorityReturnsTheRelayThenThePunchWinsWithTheSpecRolesAndKeepsTheRelay() throws Exception {
    Multiaddr relayAddr = relay().listener().listenAddresses().get(0);
    Punches bPunches = new Punches();
    Manager b = peer(NO_REVERSAL, Duration.ofSeconds(20), bPunches);
    b.setRelayAddr(relayAddr);
    get(b.connectRelay());

    Punches aPunches = new Punches();
    Manager a = peer(NO_REVERSAL, Duration.ofSeconds(20), aPunches);
    a.setRelayAddr(relayAddr);
    DialReport report = get(a.dialWithReport(b.peerId(), List.of()));

    // The first usable connection comes back at once; the punch goes on in the background.
    assertThat(report.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(stages(report)).containsExactly("direct skipped", "relay ok", "holepunch running");
    assertThat(get(aPunches.asResponder).path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    Peer direct = get(a.dialWithPriority(b.peerId(), List.of()));
    assertThat(direct.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(direct.direction()).isEqualTo(Direction.OUTBOUND); // A: multistream, TLS and yamux client

    // B, who accepted the relayed connection, initiated the punch.
    assertThat(get(bPunches.asInitiator).path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
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
    HolePunchConfig legacy = NO_REVERSAL.toBuilder().attempts(1).legacyRolesOnLastAttempt(true).build();
    Multiaddr relayAddr = relay().listener().listenAddresses().get(0);
    Punches bPunches = new Punches();
    Manager b = peer(legacy, Duration.ofSeconds(20), bPunches);
    b.setRelayAddr(relayAddr);
    get(b.connectRelay());
    Punches aPunches = new Punches();
    Manager a = peer(legacy, Duration.ofSeconds(20), aPunches);
    a.setRelayAddr(relayAddr);

    DialReport report = get(a.dialWithReport(b.peerId(), List.of()));
    assertThat(report.path()).isEqualTo(ConnectionPath.RELAYED);
    Peer punched = get(aPunches.asResponder);
    assertThat(punched.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(punched.direction()).isEqualTo(Direction.INBOUND);
    get(bPunches.asInitiator);
    assertThat(connectionOf(b, a, ConnectionPath.HOLE_PUNCHED).direction()).isEqualTo(Direction.OUTBOUND);
    echoes(punched);
  }

  @Test
  void aPunchThatWinsAfterTheDialReturnedUpgradesInTheBackground() throws Exception {
    Multiaddr relayAddr = relay().listener().listenAddresses().get(0);
    // B punches when the test says so.
    Manager b = peer(NO_REVERSAL.toBuilder().initiateOnInbound(false).build(), Duration.ofSeconds(20),
        EventListener.NONE);
    b.setRelayAddr(relayAddr);
    get(b.connectRelay());

    Punches aPunches = new Punches();
    Manager a = peer(NO_REVERSAL, Duration.ofMillis(200), aPunches);
    a.setRelayAddr(relayAddr);
    DialReport report = get(a.dialWithReport(b.peerId(), List.of()));
    assertThat(report.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(stages(report)).containsExactly("direct skipped", "relay ok", "holepunch running");
    assertThat(aPunches.asResponder).isNotDone();

    Peer relayedOnB = connectionOf(b, a, ConnectionPath.RELAYED);
    Peer punchedOnB = get(b.holePunch(relayedOnB));
    assertThat(punchedOnB.direction()).isEqualTo(Direction.INBOUND);

    // A answered the later punch: the upgrade is reported on A's side too.
    Peer upgraded = get(aPunches.asResponder);
    assertThat(upgraded.peerId()).isEqualTo(b.peerId());
    assertThat(upgraded.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    Peer direct = get(a.dialWithPriority(b.peerId(), List.of()));
    assertThat(direct.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(direct.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(report.peer().isOpen()).isTrue(); // the relayed one stays
    echoes(direct);
  }
}
