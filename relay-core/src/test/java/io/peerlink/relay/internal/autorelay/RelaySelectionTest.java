package io.peerlink.relay.internal.autorelay;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RelaySelectionTest {
  private long seq;
  private final Instant now = Instant.parse("2025-01-01T00:00:00Z");

  private CandidateState candidate(String name, boolean preferred, Long rttMs, int refusals) {
    PeerId id = Identity.generate().peerId();
    CandidateState c = new CandidateState(id, Multiaddr.parse("/ip4/127.0.0.1/tcp/1").withPeerId(id), preferred, seq++);
    c.rtt = rttMs == null ? null : Duration.ofMillis(rttMs);
    c.refusals = refusals;
    c.vetted = true;
    return c;
  }

  @Test
  void preferredFirstThenRttThenRefusalsThenArrival() {
    CandidateState slow = candidate("slow", false, 50L, 0);
    CandidateState fast = candidate("fast", false, 5L, 0);
    CandidateState unmeasured = candidate("unmeasured", false, null, 0);
    CandidateState preferredSlow = candidate("preferredSlow", true, 200L, 3);
    CandidateState fastRefuser = candidate("fastRefuser", false, 5L, 2);
    CandidateState fastLater = candidate("fastLater", false, 5L, 0);
    List<CandidateState> order = RelaySelection.order(
        List.of(slow, fast, unmeasured, preferredSlow, fastRefuser, fastLater), Set.of(), now);
    assertThat(order).containsExactly(preferredSlow, fast, fastLater, fastRefuser, slow, unmeasured);
  }

  @Test
  void blacklistedUntilItsTimeHeldAndReservingAreLeftOut() {
    CandidateState blacklisted = candidate("b", true, 1L, 0);
    blacklisted.blacklistedUntil = now.plusSeconds(1);
    CandidateState expired = candidate("e", false, 9L, 1);
    expired.blacklistedUntil = now; // its time is up exactly now
    CandidateState held = candidate("h", false, 1L, 0);
    CandidateState reserving = candidate("r", false, 1L, 0);
    reserving.reserving = true;
    List<CandidateState> order = RelaySelection.order(List.of(blacklisted, expired, held, reserving), Set.of(held.id), now);
    assertThat(order).containsExactly(expired);
    assertThat(RelaySelection.order(List.of(blacklisted), Set.of(), now.plusSeconds(1))).containsExactly(blacklisted);
  }
}
