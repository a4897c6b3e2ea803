package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.identity.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The order AutoRelay tries relays in, better than go-libp2p's random pick: preferred relays
 * first; then by measured RTT (unmeasured last); then by fewest refusals; then in the order they
 * became known. Blacklisted relays (until their time is up), held ones and ones being reserved are
 * left out.
 */
public final class RelaySelection {
  /** Preferred, then RTT (unknown last), then refusals, then arrival. */
  public static final Comparator<CandidateState> ORDER = Comparator
      .comparing((CandidateState c) -> !c.preferred)
      .thenComparing(c -> c.rtt, Comparator.nullsLast(Comparator.<Duration>naturalOrder()))
      .thenComparingInt(c -> c.refusals)
      .thenComparingLong(c -> c.seq);

  private RelaySelection() {}

  /** The usable candidates, best first. */
  public static List<CandidateState> order(Collection<CandidateState> all, Set<PeerId> held, Instant now) {
    List<CandidateState> out = new ArrayList<>();
    for (CandidateState c : all) {
      if (!held.contains(c.id) && !c.reserving && !c.blacklisted(now)) {
        out.add(c);
      }
    }
    out.sort(ORDER);
    return out;
  }
}
