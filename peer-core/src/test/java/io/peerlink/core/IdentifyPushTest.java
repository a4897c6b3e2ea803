package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * identify push on loopback, both ways: a peer already connected learns our new addresses (a
 * relay's circuit address) and protocols without redialing, and we apply what it pushes.
 */
@Timeout(60)
class IdentifyPushTest extends PeerTestSupport {
  private static final PeerConfig PUSHING = FAST.toBuilder().identifyPushDelay(Duration.ofMillis(200)).build();

  private static Multiaddr circuit(PeerId relay) {
    return Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/" + relay + "/p2p-circuit");
  }

  /** The host's one connection, once it lists it (the accepting side may finish its upgrade last). */
  private static Peer only(Host host) {
    await("the host to list its connection", () -> !host.connections().isEmpty());
    return host.connections().iterator().next();
  }

  private static List<Multiaddr> announced(Peer p) {
    IdentifyInfo info = p.identify().getNow(null);
    return info == null ? List.of() : info.listenAddrs();
  }

  @Test
  void aConnectedPeerLearnsOurNewCircuitAddressAndProtocolWithoutRedialing() throws Exception {
    Listener server = listen(Listener.builder(Identity.generate()).config(PUSHING).listenOn(LOOPBACK));
    Listener client = listen(Listener.builder(Identity.generate()).config(PUSHING).listenOn(LOOPBACK));
    PeerPool pool = closeLater(PeerPool.builder(Connector.sharing(client).dialPolicy(NO_RETRY).build()).build());
    Peer toServer = get(pool.connect(server.listenAddresses().get(0)));
    assertThat(get(toServer.identify()).listenAddrs()).noneMatch(Multiaddr::isRelayed);
    assertThat(pool.select("/new/1.0.0")).isEmpty();

    // What a relay client does once its reservation is granted.
    Multiaddr reserved = circuit(Identity.generate().peerId());
    List<Multiaddr> relayed = new CopyOnWriteArrayList<>();
    Host.of(server).addAddressSource(() -> List.copyOf(relayed));
    relayed.add(reserved.encapsulate(Multiaddr.parse("/p2p/" + server.peerId())));
    await("the client learns the circuit address", () -> announced(toServer).contains(reserved));
    assertThat(pool.addressBook().circuitAddresses(server.peerId())).containsExactly(reserved);
    assertThat(Host.of(client).addressBook().circuitAddresses(server.peerId())).containsExactly(reserved);

    Host.of(server).handle("/new/1.0.0", s -> { });
    await("the client learns the new protocol", () -> pool.select("/new/1.0.0").isPresent());
    assertThat(pool.select("/new/1.0.0")).contains(toServer);

    // The reservation ends: the address goes from what the client knows.
    relayed.clear();
    await("the circuit address is withdrawn", () -> !announced(toServer).contains(reserved));
    assertThat(pool.addressBook().circuitAddresses(server.peerId())).isEmpty();
    assertThat(server.stats().accepted()).as("no redial").isEqualTo(1);
    assertThat(toServer.isOpen()).isTrue();
  }

  @Test
  void weApplyWhatTheDialingSidePushes() throws Exception {
    Listener server = listen(Listener.builder(Identity.generate()).config(PUSHING).listenOn(LOOPBACK));
    Connector dialer = connector(Connector.builder(Identity.generate()).config(PUSHING).dialPolicy(NO_RETRY));
    get(get(dialer.connect(server.listenAddresses().get(0))).identify());
    Peer inbound = only(Host.of(server));
    await("the server identified the dialer", () -> inbound.identify().isDone());
    assertThat(announced(inbound)).isEmpty(); // a dialer without a listener announces nothing

    Multiaddr reserved = circuit(Identity.generate().peerId());
    Host.of(dialer).addAddressSource(() -> List.of(reserved));
    await("the server learns the dialer's circuit address", () -> announced(inbound).contains(reserved));
    assertThat(Host.of(server).addressBook().circuitAddresses(dialer.peerId())).containsExactly(reserved);
    assertThat(get(inbound.identify()).agentVersion()).startsWith("peerlink/"); // kept from identify
  }

  @Test
  void nothingIsPushedWhenThePushDelayIsZero() throws Exception {
    PeerConfig silent = FAST.toBuilder().identifyPushDelay(Duration.ZERO).build();
    Listener server = listen(Listener.builder(Identity.generate()).config(silent).listenOn(LOOPBACK));
    Connector dialer = connector();
    Peer p = get(dialer.connect(server.listenAddresses().get(0)));
    get(p.identify());
    Multiaddr reserved = circuit(Identity.generate().peerId());
    Host.of(server).addAddressSource(() -> List.of(reserved));
    // Ask the server for identify again on a second connection: that one sees the address, the
    // first never hears of it.
    Peer second = get(connector().connect(server.listenAddresses().get(0)));
    assertThat(get(second.identify()).listenAddrs()).contains(reserved);
    assertThat(announced(p)).doesNotContain(reserved);
  }
}
