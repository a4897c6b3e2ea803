package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.event.DialStage;
import io.peerlink.core.event.PunchRole;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.DialConfig;
import io.peerlink.relay.HolePunchConfig;
import io.peerlink.relay.Manager;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The manager keeps a peer it dialed reached: a relay killed mid-circuit moves the peer to another
 * relay, a closed direct connection is dialed again, without the application dialing.
 */
@Timeout(90)
class ReconnectLoopbackTest {
  private static final HolePunchConfig NO_REVERSAL = HolePunchConfig.builder()
      .reversalTimeout(Duration.ZERO).build();
  private static final DialConfig FAST = DialConfig.builder()
      .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build();

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

  /** The reconnections a manager reports, in order, and the first connection each won back. */
  static final class Reconnections implements EventListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<Peer> won = new CompletableFuture<>();
    final CompletableFuture<Peer> punched = new CompletableFuture<>();

    @Override
    public void reconnectStart(PeerId peer, DialStage stage, int attempt) {
      events.add("start " + stage.label() + " " + attempt);
    }

    @Override
    public void reconnectEnd(PeerId peer, DialStage stage, Peer connection) {
      events.add("end " + stage.label());
      won.complete(connection);
    }

    @Override
    public void reconnectFailed(PeerId peer, DialStage stage, int attempt, PeerException error, Duration retryIn) {
      events.add("failed " + stage.label() + " " + attempt + " (" + error.getMessage() + ")");
    }

    @Override
    public void holePunchEnd(PeerId peer, PunchRole role, Peer connection, Duration took) {
      punched.complete(connection);
    }
  }

  private RelayServer relay() throws Exception {
    RelayServer r = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(RelayLimiter.defaults())
        .publicAddressFilter(AddressFilter.everything())
        .build();
    relays.add(r);
    return get(r.start());
  }

  /** A peer whose relay probe runs every 200 ms (500 ms timeout), reserved on {@code r}; probe failures and lost reservations go to {@code seen}. */
  private Manager probedPeerReservedOn(RelayServer r, List<String> seen) throws Exception {
    EventListener events = new EventListener() {
      @Override
      public void relayProbeFailed(PeerId relay, PeerException error) {
        seen.add("probe failed");
      }

      @Override
      public void reservationLost(PeerId relay, PeerException cause) {
        seen.add("reservation lost");
      }
    };
    Manager b = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .holePunching(null)
        .dialConfig(FAST.toBuilder().relayProbe(Duration.ofMillis(200), Duration.ofMillis(500)).build())
        .eventListener(events)
        .build();
    closers.add(b);
    get(b.start());
    get(b.reserve(addr(r)));
    return b;
  }

  private Manager peer(HolePunchConfig punch, EventListener events) throws Exception {
    return peer(punch, events, FAST);
  }

  private Manager peer(HolePunchConfig punch, EventListener events, DialConfig dial) throws Exception {
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .publicAddressFilter(AddressFilter.internet().withPublic("127.0.0.0/8"))
        .holePunching(punch)
        .dialConfig(dial)
        .eventListener(events)
        .build();
    closers.add(m);
    return get(m.start());
  }

  private static Multiaddr addr(RelayServer r) {
    return r.listener().listenAddresses().get(0);
  }

  @Test
  void aRelayKilledMidCircuitMovesThePeerToAnotherRelay() throws Exception {
    RelayServer r1 = relay();
    RelayServer r2 = relay();
    Manager b = peer(null, EventListener.NONE);
    get(b.reserve(addr(r1)));
    get(b.reserve(addr(r2)));
    Reconnections events = new Reconnections();
    Manager a = peer(null, events);
    a.setRelayAddr(addr(r1));
    a.setRelayAddr(addr(r2));

    Peer viaR1 = ((PeerHandle) get(a.dialWithPriority(b.peerId(), List.of()))).current().orElseThrow();
    assertThat(RelayClient.relayOf(viaR1)).contains(r1.peerId());
    await().atMost(Duration.ofSeconds(10)).until(() -> viaR1.identify().isDone()); // b's circuit addresses known

    get(r1.stop(Duration.ZERO)); // the relay dies mid-circuit
    relays.remove(r1);

    Peer viaR2 = events.won.get(20, TimeUnit.SECONDS);
    assertThat(viaR1.isOpen()).isFalse();
    assertThat(viaR2.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(RelayClient.relayOf(viaR2)).contains(r2.peerId());
    assertThat(events.events).startsWith("start relay 1").endsWith("end relay");
    assertThat(get(viaR2.ping())).isPositive();
  }

  @Test
  void aClosedPunchedConnectionFallsBackToTheRelayAndADirectOneComesBack() throws Exception {
    RelayServer r = relay();
    Manager b = peer(NO_REVERSAL, EventListener.NONE);
    get(b.reserve(addr(r)));
    Reconnections events = new Reconnections();
    Manager a = peer(NO_REVERSAL, events);
    a.setRelayAddr(addr(r));

    // The handle's own path follows the best connection, and the punch may already have won by now
    // on a loaded machine: take the relayed connection itself from the handle.
    PeerHandle handle = (PeerHandle) get(a.dialWithPriority(b.peerId(), List.of()));
    Peer relayed = handle.connections().stream()
        .filter(p -> p.path() == ConnectionPath.RELAYED).findFirst().orElseThrow();
    assertThat(events.punched.get(20, TimeUnit.SECONDS).path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    // The punch's protection of b ends with the punch; the relay stays protected by the circuit.
    await().atMost(Duration.ofSeconds(10)).until(() -> !Host.of(a.listener()).isProtected(b.peerId()));
    assertThat(Host.of(a.listener()).isProtected(r.peerId())).isTrue();

    // Every direct connection to b dies; the relayed one stays and carries streams meanwhile.
    for (Peer p : a.peers()) {
      if (p.peerId().equals(b.peerId()) && p.path() != ConnectionPath.RELAYED) {
        get(p.close());
      }
    }
    assertThat(relayed.isOpen()).isTrue();
    assertThat(get(relayed.ping())).isPositive();

    Peer back = events.won.get(20, TimeUnit.SECONDS);
    assertThat(back.path()).isNotEqualTo(ConnectionPath.RELAYED);
    assertThat(events.events).contains("end direct");
    assertThat(get(a.dialWithPriority(b.peerId(), List.of())).path()).isNotEqualTo(ConnectionPath.RELAYED);
    assertThat(relayed.isOpen()).isTrue();
  }

  @Test
  void theSideThatPunchedPunchesAgainWhenThePunchedConnectionDies() throws Exception {
    RelayServer r = relay();
    Reconnections bEvents = new Reconnections();
    Manager b = peer(NO_REVERSAL, bEvents);
    get(b.reserve(addr(r)));
    // The dialer does not reconnect at all: behind a NAT it could not dial b directly, and DCUtR
    // lets only b (the side that received the relayed connection) start a punch.
    Manager a = peer(NO_REVERSAL, EventListener.NONE, DialConfig.builder().reconnectAttempts(0).build());
    a.setRelayAddr(addr(r));

    PeerHandle handle = (PeerHandle) get(a.dialWithPriority(b.peerId(), List.of()));
    assertThat(bEvents.punched.get(20, TimeUnit.SECONDS).path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> handle.current().map(c -> c.path() == ConnectionPath.HOLE_PUNCHED).orElse(false));
    Peer first = handle.current().orElseThrow();

    get(first.close()); // b hears a remote close, as when a NAT drops the mapping
    assertThat(handle.isOpen()).isTrue();
    assertThat(get(handle.ping())).isPositive(); // over the relayed connection meanwhile

    Peer back;
    try {
      back = bEvents.won.get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("b did not punch again; events " + bEvents.events, e);
    }
    assertThat(back.path()).isEqualTo(ConnectionPath.HOLE_PUNCHED);
    assertThat(bEvents.events).startsWith("start holepunch 1").endsWith("end holepunch");
    await().atMost(Duration.ofSeconds(10)).until(() -> handle.current()
        .map(c -> c != first && c.path() == ConnectionPath.HOLE_PUNCHED).orElse(false));
  }

  @Test
  void aClosedDirectConnectionIsDialedAgain() throws Exception {
    Manager b = peer(null, EventListener.NONE);
    Reconnections events = new Reconnections();
    Manager a = peer(null, events);

    Peer first = get(a.dialWithPriority(b.peerId(), b.listener().listenAddresses()));
    assertThat(first.path()).isEqualTo(ConnectionPath.DIRECT);
    // The remote closes it: not our decision, so the manager wins it back. Our side is ready
    // before the remote's (the TLS client finishes first): wait until the remote has it to close.
    await().atMost(Duration.ofSeconds(10))
        .until(() -> b.peers().stream().anyMatch(p -> p.peerId().equals(a.peerId())));
    b.peers().stream().filter(p -> p.peerId().equals(a.peerId())).forEach(Peer::close);

    Peer again;
    try {
      again = events.won.get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no reconnection; events " + events.events, e);
    }
    assertThat(again).isNotSameAs(first);
    assertThat(again.path()).isEqualTo(ConnectionPath.DIRECT);
    assertThat(events.events).startsWith("start direct 1").endsWith("end direct");
  }

  @Test
  void aRelayThatAnswersItsPingsWithAnErrorIsAliveAndKept() throws Exception {
    RelayServer r = relay();
    List<String> seen = new CopyOnWriteArrayList<>();
    Manager b = probedPeerReservedOn(r, seen);
    Peer relayConnection = b.peers().stream().filter(p -> p.peerId().equals(r.peerId())).findFirst().orElseThrow();
    // The relay answers every ping by closing the stream (as a listener closes an idle ping
    // stream): an answer, so the relay is alive and nothing may be torn down.
    AtomicInteger refused = new AtomicInteger();
    Host.of(r.listener()).handle("/ipfs/ping/1.0.0", stream -> {
      refused.incrementAndGet();
      stream.channel().close();
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> refused.get() >= 5);
    assertThat(seen).isEmpty();
    assertThat(relayConnection.isOpen()).isTrue();
    assertThat(b.reservations()).hasSize(1);
  }

  @Test
  void aRelayThatStopsAnsweringPingsIsDroppedByTheProbeAndTheReservationFailsOver() throws Exception {
    RelayServer r = relay();
    List<String> seen = new CopyOnWriteArrayList<>();
    Manager b = probedPeerReservedOn(r, seen);
    // The relay stops answering pings (as a relay that died silently does): it takes the ping
    // stream and never echoes. The probe notices long before the keep-alive would, closes the
    // connection, and the reservation is lost.
    Host.of(r.listener()).handle("/ipfs/ping/1.0.0", stream -> stream.channel().config().setAutoRead(false));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("reservation lost"));
    assertThat(seen).containsSubsequence("probe failed", "reservation lost");
    assertThat(b.reservations()).isEmpty();
  }
}
