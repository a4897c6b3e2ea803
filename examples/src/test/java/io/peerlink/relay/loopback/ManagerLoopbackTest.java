package io.peerlink.relay.loopback;

import static io.peerlink.relay.loopback.RelayClientLoopbackTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.event.RelayState;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Manager;
import io.peerlink.relay.spi.RelayHopOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Manager's relay half: a Manager serving as relay, one reachable through it, one dialing. */
class ManagerLoopbackTest {
  private final List<Manager> managers = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (int i = managers.size() - 1; i >= 0; i--) {
      managers.get(i).close();
    }
  }

  private Manager manager() throws Exception {
    Manager m = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .relayHopOptions(new RelayHopOptions(AddressFilter.everything(), Duration.ZERO))
        .build();
    managers.add(m);
    return get(m.start());
  }

  @Test
  void dialWithPriorityTakesTheDirectPathFirstThenTheRelay() throws Exception {
    Manager relay = manager();
    relay.enableRelay();
    assertThat(relay.isRelayEnabled()).isTrue();
    Multiaddr relayAddr = relay.listener().listenAddresses().get(0);

    Manager behindNat = manager();
    assertThat(behindNat.hasRelay()).isFalse();
    behindNat.setRelayAddr(relayAddr);
    assertThat(behindNat.hasRelay()).isTrue();
    assertThat(behindNat.relayAddr()).contains(relayAddr);
    assertThat(behindNat.relayState()).isEqualTo(RelayState.CONFIGURED); // lazy
    get(behindNat.connectRelay());
    assertThat(behindNat.listenAddresses()).anyMatch(Multiaddr::isRelayed);

    Manager dialer = manager();
    assertThatThrownBy(() -> get(dialer.dialWithPriority(behindNat.peerId(), List.of())))
        .hasMessageContaining("no relay set");
    dialer.setRelayAddr(relayAddr);
    // A dead direct address, then the relay.
    Peer viaRelay = get(dialer.dialWithPriority(behindNat.peerId(), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"))));
    assertThat(viaRelay.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(get(viaRelay.ping())).isPositive();
    // With a working direct address, direct wins.
    Peer direct = get(dialer.dialWithPriority(behindNat.peerId(), behindNat.listener().listenAddresses()));
    assertThat(direct.path()).isEqualTo(ConnectionPath.DIRECT);
    // And an open direct connection is reused.
    assertThat(get(dialer.dialWithPriority(behindNat.peerId(), List.of()))).isSameAs(direct);

    Peer again = get(dialer.dialViaRelay(behindNat.peerId()));
    assertThat(again.path()).isEqualTo(ConnectionPath.RELAYED);
    get(relay.disableRelay());
    assertThat(relay.isRelayEnabled()).isFalse();
  }
}
