package io.peerlink.relay.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

class RelayAddressesTest {
  private final PeerId relay = Identity.generate().peerId();
  private final PeerId target = Identity.generate().peerId();

  @Test
  void parsesACircuitAddress() {
    Multiaddr relayAddr = Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/" + relay);
    RelayAddresses.CircuitTarget t = RelayAddresses.parse(Multiaddr.parse(relayAddr + "/p2p-circuit/p2p/" + target));
    assertThat(t.relay()).isEqualTo(relayAddr);
    assertThat(t.relayId()).isEqualTo(relay);
    assertThat(t.target()).isEqualTo(target);
    assertThat(RelayAddresses.reserved(relayAddr, target).toString()).isEqualTo(relayAddr + "/p2p-circuit/p2p/" + target);
    assertThat(RelayAddresses.connectionAddress(Multiaddr.parse("/ip4/198.51.100.7/tcp/4001"), relay).toString())
        .isEqualTo(relayAddr + "/p2p-circuit");
    // Only the relay's ID: use the open connection to it.
    assertThat(RelayAddresses.parse(Multiaddr.parse("/p2p/" + relay + "/p2p-circuit/p2p/" + target)).relayId()).isEqualTo(relay);
  }

  @Test
  void refusesOtherShapes() {
    assertThatThrownBy(() -> RelayAddresses.parse(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + target)))
        .hasMessageContaining("no /p2p-circuit");
    assertThatThrownBy(() -> RelayAddresses.parse(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + relay + "/p2p-circuit")))
        .hasMessageContaining("end in /p2p-circuit/p2p/");
    assertThatThrownBy(() -> RelayAddresses.parse(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p-circuit/p2p/" + target)))
        .hasMessageContaining("/p2p/<relay peer id>");
  }
}
