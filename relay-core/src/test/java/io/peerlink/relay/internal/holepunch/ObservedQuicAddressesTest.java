package io.peerlink.relay.internal.holepunch;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

/**
 * QUIC addresses peers observe us at are kept apart from TCP ones: for hole punching only, never
 * advertised or confirmed, public ones only, and no more than {@link ObservedAddresses#MAX_QUIC_CANDIDATES}.
 */
class ObservedQuicAddressesTest {
  private static final PeerId OBSERVER = Identity.generate().peerId();
  private final ObservedAddresses observed = new ObservedAddresses(AddressFilter.internet().withPublic("203.0.113.0/24"), 1);

  @Test
  void aPublicQuicAddressIsAPunchCandidateButNotAnAdvertisedOne() {
    Multiaddr quic = Multiaddr.parse("/ip4/203.0.113.2/udp/4001/quic-v1");
    observed.record(OBSERVER, quic);
    assertThat(observed.quicCandidates()).containsExactly(quic);
    assertThat(observed.candidates()).isEmpty();
    assertThat(observed.confirmed()).isEmpty();
  }

  @Test
  void aPrivateQuicAddressIsIgnored() {
    observed.record(OBSERVER, Multiaddr.parse("/ip4/10.0.1.2/udp/4001/quic-v1"));
    assertThat(observed.quicCandidates()).isEmpty();
  }

  @Test
  void onlyTheMostRecentlyReportedAddressesAreKept() {
    int n = ObservedAddresses.MAX_QUIC_CANDIDATES + 5;
    for (int i = 0; i < n; i++) {
      observed.record(OBSERVER, Multiaddr.parse("/ip4/203.0.113.2/udp/" + (5000 + i) + "/quic-v1"));
    }
    // Reported again: it moves to the end instead of being dropped as the oldest.
    Multiaddr again = Multiaddr.parse("/ip4/203.0.113.2/udp/" + (5000 + 5) + "/quic-v1");
    observed.record(OBSERVER, again);
    assertThat(observed.quicCandidates()).hasSize(ObservedAddresses.MAX_QUIC_CANDIDATES).endsWith(again)
        .doesNotContain(Multiaddr.parse("/ip4/203.0.113.2/udp/5000/quic-v1"));
  }
}
