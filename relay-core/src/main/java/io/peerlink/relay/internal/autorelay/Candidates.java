package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every relay AutoRelay knows of, held or not, with what it learned of each ({@link CandidateState}):
 * whether it is vetted, its round trip, how often it refused or failed. At most
 * {@code maxCandidates} plain candidates are kept; preferred ones always are.
 *
 * <p>Not thread-safe: AutoRelay calls it under its lock.
 */
final class Candidates {
  private final int maxCandidates;
  private final Map<PeerId, CandidateState> known = new LinkedHashMap<>();
  private long seq;

  /**
   * An empty list.
   *
   * @param maxCandidates how many plain (not preferred) candidates are kept at most
   */
  Candidates(int maxCandidates) {
    this.maxCandidates = maxCandidates;
  }

  /**
   * Adds a candidate, or updates a known one: it becomes preferred if {@code preferred}, and takes
   * the new address unless it is held (a reservation is tied to the address it was made at).
   *
   * @param id the relay
   * @param addr its address, ending in {@code /p2p/<id>}
   * @param preferred whether it is preferred
   * @param held whether a reservation on it is held
   * @return false if it was new and left out because {@code maxCandidates} plain ones are known
   */
  boolean offer(PeerId id, Multiaddr addr, boolean preferred, boolean held) {
    CandidateState c = known.get(id);
    if (c == null) {
      if (!preferred && plainCount() >= maxCandidates) {
        return false;
      }
      known.put(id, new CandidateState(id, addr, preferred, seq++));
      return true;
    }
    if (!c.addr.equals(addr) && !held) {
      c.addr = addr;
    }
    c.preferred |= preferred;
    return true;
  }

  /** {@return the candidate {@code id}, or null if unknown} */
  CandidateState get(PeerId id) {
    return known.get(id);
  }

  /** {@return how many candidates are known} */
  int size() {
    return known.size();
  }

  /** {@return every candidate, in the order they became known; a read-only view} */
  Collection<CandidateState> all() {
    return Collections.unmodifiableCollection(known.values());
  }

  /**
   * {@return the candidates to vet now: not vetted, not being vetted or reserved on, not held and
   * not blacklisted}
   *
   * @param held the relays held
   * @param now the time
   */
  List<CandidateState> toVet(Set<PeerId> held, Instant now) {
    List<CandidateState> out = new ArrayList<>();
    for (CandidateState c : known.values()) {
      if (!c.vetted && !c.vetting && !c.reserving && !held.contains(c.id) && !c.blacklisted(now)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * {@return the candidates that may be reserved on, best first ({@link RelaySelection})}
   *
   * @param held the relays held (left out)
   * @param now the time (blacklisted ones are left out)
   */
  List<CandidateState> usable(Set<PeerId> held, Instant now) {
    return RelaySelection.order(known.values(), held, now);
  }

  /** {@return whether a candidate is being vetted} */
  boolean anyVetting() {
    for (CandidateState c : known.values()) {
      if (c.vetting) {
        return true;
      }
    }
    return false;
  }

  /** {@return how many reservations are under way} */
  int reservingCount() {
    int n = 0;
    for (CandidateState c : known.values()) {
      if (c.reserving) {
        n++;
      }
    }
    return n;
  }

  /**
   * Records a held relay whose reservation was lost: it may be gone, so it is vetted again before use.
   *
   * @param relay the relay
   */
  void lost(PeerId relay) {
    CandidateState c = known.get(relay);
    if (c != null) {
      c.lost();
    }
  }

  /**
   * Records a round trip measured to a relay.
   *
   * @param relay the relay
   * @param rtt the round trip
   */
  void measured(PeerId relay, Duration rtt) {
    CandidateState c = known.get(relay);
    if (c != null) {
      c.rtt = rtt;
    }
  }

  private int plainCount() {
    int n = 0;
    for (CandidateState c : known.values()) {
      if (!c.preferred) {
        n++;
      }
    }
    return n;
  }
}
