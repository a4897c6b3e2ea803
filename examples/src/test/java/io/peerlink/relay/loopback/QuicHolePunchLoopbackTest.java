package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.HolePunchConfig;
import io.peerlink.relay.Manager;
import io.peerlink.relay.loopback.HolePunchLoopbackTest.Punches;
import io.peerlink.relay.spi.RelayHopOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DCUtR over QUIC between two peerlink hosts through a peerlink relay on 127.0.0.1: A, who dialed
 * the relayed connection, dials B's QUIC address from its QUIC listen port, and B sends random
 * datagrams to A's from its own. Both count 127.0.0.0/8 as public; connection reversal is off so
 * the punch itself must win.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QuicHolePunchLoopbackTest {
  private static final Multiaddr TCP = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");
  private static final Multiaddr QUIC = Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1");
  private static final HolePunchConfig NO_REVERSAL = HolePunchConfig.builder()
      .dialTimeout(Duration.ofSeconds(5)).reversalTimeout(Duration.ZERO).build();
  private final List<Manager> managers = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (int i = managers.size() - 1; i >= 0; i--) {
      managers.get(i).close();
    }
  }

  private Multiaddr relay() throws Exception {
    Manager m = Manager.builder(Identity.generate())
        .listenOn(TCP)
        .relayHopOptions(new RelayHopOptions(AddressFilter.everything(), Duration.ZERO))
        .build();
    managers.add(m);
    get(m.start());
    m.enableRelay();
    return m.listener().listenAddresses().get(0);
  }

  private Manager peer(HolePunchConfig punch, EventListener events, Multiaddr... listen) throws Exception {
    Manager.Builder b = Manager.builder(Identity.generate())
        .handler(Echo.PROTOCOL_ID, Echo.handler())
        .publicAddressFilter(AddressFilter.internet().withPublic("127.0.0.0/8"))
        .holePunching(punch)
        .punchTimeout(Duration.ofSeconds(20))
        .eventListener(events);
    for (Multiaddr a : listen) {
      b.listenOn(a);
    }
    Manager m = b.build();
    managers.add(m);
    return get(m.start());
  }

  private static int port(Multiaddr addr) {
    byte[] p = addr.withoutPeerId().components().get(1).value();
    return ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
  }

  private static Peer punchedOn(Manager m, Manager to) {
    return m.listener().peers().stream()
        .filter(p -> p.peerId().equals(to.peerId()) && p.path() == ConnectionPath.HOLE_PUNCHED && p.isOpen())
        .findFirst().orElseThrow(() -> new AssertionError("no punched connection to " + to.peerId()));
  }

  private static void echoes(Peer p) throws Exception {
    byte[] hello = "over the punched connection".getBytes(StandardCharsets.UTF_8);
    assertThat(get(Echo.roundTrip(p, hello))).isPositive();
  }

  /** A and B punch with {@code config}, both listening on {@code listen}; returns A's and B's punched connections. */
  private Peer[] punch(HolePunchConfig config, Multiaddr... listen) throws Exception {
    Multiaddr relayAddr = relay();
    Punches bPunches = new Punches();
    Manager b = peer(config, bPunches, listen);
    b.setRelayAddr(relayAddr);
    get(b.connectRelay());
    Punches aPunches = new Punches();
    Manager a = peer(config, aPunches, listen);
    a.setRelayAddr(relayAddr);
    DialReport report = get(a.dialWithReport(b.peerId(), List.of()));
    assertThat(report.path()).isEqualTo(ConnectionPath.RELAYED);
    Peer onA = get(aPunches.asResponder);
    Peer onB = get(bPunches.asInitiator);
    assertThat(onA.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(onB.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(onA.peerId()).isEqualTo(b.peerId());
    assertThat(onB.peerId()).isEqualTo(a.peerId());
    return new Peer[] {onA, onB, punchedOn(a, b), punchedOn(b, a)};
  }

  @Test
  void aQuicOnlyPunchMakesAQuicConnectionFromAsListenPortWithAAsTheClient() throws Exception {
    Peer[] p = punch(NO_REVERSAL.toBuilder().overTcp(false).build(), TCP, QUIC);
    Peer onA = p[0];
    Peer onB = p[1];
    assertThat(onA.transport()).isEqualTo("quic-v1");
    assertThat(onB.transport()).isEqualTo("quic-v1");
    assertThat(onA.direction()).isEqualTo(Direction.OUTBOUND); // A is the QUIC client, as the spec says
    assertThat(onB.direction()).isEqualTo(Direction.INBOUND);
    // A dialed from its listen port: B sees the connection come from A's QUIC listen address.
    assertThat(port(onB.remoteAddress())).isEqualTo(port(onA.localAddress()));
    assertThat(port(onB.localAddress())).isEqualTo(port(onA.remoteAddress()));
    echoes(onA);
    echoes(onB);
  }

  @Test
  void withBothTransportsTheFirstPunchedConnectionWinsAndSaysWhichTransport() throws Exception {
    Peer[] p = punch(NO_REVERSAL, TCP, QUIC);
    assertThat(p[0].transport()).isIn("tcp", "quic-v1");
    assertThat(p[1].transport()).isIn("tcp", "quic-v1");
    echoes(p[0]);
    echoes(p[1]);
  }

  @Test
  void peersThatListenOnTcpOnlyStillPunchOverTcp() throws Exception {
    Peer[] p = punch(NO_REVERSAL, TCP);
    assertThat(p[0].transport()).isEqualTo("tcp");
    assertThat(p[0].direction()).isEqualTo(Direction.OUTBOUND);
    echoes(p[0]);
  }
}
