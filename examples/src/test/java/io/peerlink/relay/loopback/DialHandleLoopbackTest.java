package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.Stream;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DialConfig;
import io.peerlink.relay.Manager;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code dialWithPriority} hands back is the peer's handle, on 127.0.0.1 with real relays:
 * its new streams move to a direct connection once one exists, and it stays the peer's handle
 * while the manager dials the peer again through another relay.
 */
@Timeout(90)
class DialHandleLoopbackTest {
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

  private RelayServer relay() throws Exception {
    RelayServer r = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(RelayLimiter.defaults())
        .publicAddressFilter(AddressFilter.everything())
        .build();
    relays.add(r);
    return get(r.start());
  }

  /** A peer without hole punching: a direct connection appears only when a test makes one. */
  private Manager peer(EventListener events) throws Exception {
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handlerOnLimitedConnections(Echo.PROTOCOL_ID, Echo.handler()) // relays here are limited
        .holePunching(null)
        .dialConfig(FAST)
        .eventListener(events)
        .build();
    closers.add(m);
    return get(m.start());
  }

  private static Multiaddr addr(RelayServer r) {
    return r.listener().listenAddresses().get(0);
  }

  @Test
  void theDialedPeerOpensNewStreamsOnTheDirectConnectionOnceOneExistsAndKeepsTheRelayedOne()
      throws Exception {
    RelayServer r = relay();
    Manager b = peer(EventListener.NONE);
    get(b.reserve(addr(r)));
    Manager a = peer(EventListener.NONE);
    a.setRelayAddr(addr(r));

    Peer toB = get(a.dialWithPriority(b.peerId(), List.of())); // no direct address: the relay
    assertThat(toB).isInstanceOf(PeerHandle.class);
    assertThat(toB).isSameAs(a.handle(b.peerId()).orElseThrow());
    assertThat(toB.path()).isEqualTo(ConnectionPath.RELAYED);
    Peer relayed = ((PeerHandle) toB).current().orElseThrow();

    // A direct connection appears beside the relayed one, as a punch or a reversal would make it.
    Peer direct = get(a.connect(b.listener().listenAddresses().get(0)));
    assertThat(direct.path()).isEqualTo(ConnectionPath.DIRECT);

    Stream s = get(toB.newStream(Echo.PROTOCOL_ID, st -> { }));
    assertThat(s.peer()).isSameAs(direct);
    s.channel().close();
    get(Echo.roundTrip(toB, new byte[512 * 1024])); // and data moves over it
    assertThat(relayed.isOpen()).isTrue(); // the relayed connection is kept as the fallback
    assertThat(((PeerHandle) toB).connections()).contains(direct, relayed);
  }
  @Test
  void theHandleFromBeforeTheRelayDiedIsTheOneCarryingStreamsThroughTheNextRelay() throws Exception {
    RelayServer r1 = relay();
    RelayServer r2 = relay();
    Manager b = peer(EventListener.NONE);
    get(b.reserve(addr(r1)));
    get(b.reserve(addr(r2)));
    ReconnectLoopbackTest.Reconnections events = new ReconnectLoopbackTest.Reconnections();
    Manager a = peer(events);
    a.setRelayAddr(addr(r1));
    a.setRelayAddr(addr(r2));

    PeerHandle toB = (PeerHandle) get(a.dialWithPriority(b.peerId(), List.of()));
    Peer viaR1 = toB.current().orElseThrow();
    assertThat(RelayClient.relayOf(viaR1)).contains(r1.peerId());
    await().atMost(Duration.ofSeconds(10)).until(() -> viaR1.identify().isDone()); // b's circuit addresses known

    get(r1.stop(Duration.ZERO)); // the relay dies mid-circuit: the handle loses its only connection
    relays.remove(r1);

    Peer viaR2 = events.won.get(20, TimeUnit.SECONDS);
    assertThat(viaR1.isOpen()).isFalse();
    assertThat(RelayClient.relayOf(viaR2)).contains(r2.peerId());
    // The handle was not given up while the redial ran: it is still b's, over the new circuit.
    assertThat(toB.isOpen()).isTrue();
    assertThat(toB.closeFuture()).isNotDone();
    assertThat(a.handle(b.peerId())).containsSame(toB);
    assertThat(toB.current()).containsSame(viaR2);
    assertThat(get(toB.ping())).isPositive();
    Stream s = get(toB.newStream(Echo.PROTOCOL_ID, st -> { }));
    assertThat(s.peer()).isSameAs(viaR2);
    s.channel().close();
  }
}
