package io.peerlink.relay.internal.autorelay;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidatesTest {
  private final Instant now = Instant.parse("2025-01-01T00:00:00Z");

  private static Multiaddr at(PeerId id, int port) {
    return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port).withPeerId(id);
  }

  @Test
  void plainCandidatesStopAtTheLimitButPreferredOnesAreAlwaysKept() {
    Candidates c = new Candidates(1);
    PeerId first = Identity.generate().peerId();
    PeerId second = Identity.generate().peerId();
    PeerId preferred = Identity.generate().peerId();
    assertThat(c.offer(first, at(first, 1), false, false)).isTrue();
    assertThat(c.offer(second, at(second, 2), false, false)).isFalse();
    assertThat(c.offer(preferred, at(preferred, 3), true, false)).isTrue();
    assertThat(c.size()).isEqualTo(2);
    assertThat(c.get(second)).isNull();
  }

  @Test
  void aKnownCandidateTakesANewAddressUnlessHeldAndBecomesPreferred() {
    Candidates c = new Candidates(8);
    PeerId id = Identity.generate().peerId();
    c.offer(id, at(id, 1), false, false);
    c.offer(id, at(id, 2), false, true);
    assertThat(c.get(id).addr).as("a held relay keeps the address its reservation was made at").isEqualTo(at(id, 1));
    c.offer(id, at(id, 3), true, false);
    assertThat(c.get(id).addr).isEqualTo(at(id, 3));
    assertThat(c.get(id).preferred).isTrue();
    c.offer(id, at(id, 3), false, false);
    assertThat(c.get(id).preferred).as("once preferred, always preferred").isTrue();
  }

  @Test
  void onlyCandidatesNeitherVettedBusyHeldNorBlacklistedAreVetted() {
    Candidates c = new Candidates(8);
    PeerId fresh = Identity.generate().peerId();
    PeerId vetted = Identity.generate().peerId();
    PeerId vetting = Identity.generate().peerId();
    PeerId held = Identity.generate().peerId();
    PeerId blacklisted = Identity.generate().peerId();
    for (PeerId id : Set.of(fresh, vetted, vetting, held, blacklisted)) {
      c.offer(id, at(id, 1), false, false);
    }
    c.get(vetted).vetted = true;
    c.get(vetting).vetting = true;
    c.get(blacklisted).blacklistedUntil = now.plusSeconds(1);
    assertThat(c.toVet(Set.of(held), now)).extracting(s -> s.id).containsExactly(fresh);
    assertThat(c.anyVetting()).isTrue();
    c.get(vetting).vetting = false;
    assertThat(c.anyVetting()).isFalse();
  }

  @Test
  void aLostRelayIsVettedAgainAndCountsAFailure() {
    Candidates c = new Candidates(8);
    PeerId id = Identity.generate().peerId();
    c.offer(id, at(id, 1), false, false);
    c.get(id).vetted = true;
    c.lost(id);
    assertThat(c.get(id).vetted).isFalse();
    assertThat(c.get(id).failures).isEqualTo(1);
    c.get(id).reserving = true;
    assertThat(c.reservingCount()).isEqualTo(1);
  }
}
