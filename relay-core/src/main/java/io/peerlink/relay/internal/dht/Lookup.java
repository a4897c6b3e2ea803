package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One iterative Kademlia lookup towards a point, as go-libp2p-kad-dht runs it ({@code query.go}):
 *
 * <ul>
 *   <li>Start from the k peers of our routing table closest to the target.
 *   <li>Keep up to α queries in flight, always to the closest peers heard of and not yet asked.
 *   <li>Every answer's closer peers join the candidates; a peer that fails is not asked again.
 *   <li>Stop once the β closest peers still in the running have all answered (go's resiliency),
 *       or nobody is left to ask, or the caller's {@link Query#done()} says it has what it wanted.
 *   <li>Then, unless the caller is done, ask any of the k closest peers that were skipped (go's
 *       follow-up, here also at most α at a time), so the result is the k closest peers that
 *       answered.
 * </ul>
 *
 * <p>State changes under one lock; queries complete on any thread.
 */
public final class Lookup {

  /** What a lookup asks each peer, and what it does with the answers. */
  public interface Query {
    /**
     * Asks {@code peer}; the future completes with the peers it names as closer to the target.
     *
     * @param peer the peer to ask
     * @return the closer peers it knows
     */
    CompletableFuture<List<KadPeer>> ask(KadPeer peer);

    /** {@return whether the caller has what it wanted, so the lookup may end at once} */
    default boolean done() {
      return false;
    }
  }

  /** A peer's place in the lookup. */
  private enum State { HEARD, WAITING, QUERIED, UNREACHABLE }

  private static final class Candidate {
    final KadPeer peer;
    /** 1 for a peer of our own routing table, n + 1 for one first named by a peer of hop n. */
    int hop;
    State state = State.HEARD;

    Candidate(KadPeer peer, int hop) {
      this.peer = peer;
      this.hop = hop;
    }
  }

  /**
   * What the lookup found, and what it took: the figures the DHT simulation reports beside the
   * Kademlia paper's O(log n) hops.
   *
   * @param closest the k closest peers that answered, closest first
   * @param queried how many peers answered
   * @param unreachable how many peers were asked and failed (dial, timeout, reset)
   * @param hops the hop of the answer that ended the lookup: for a lookup the caller stopped
   *     ({@link Query#done()}), the answer that gave it what it wanted; otherwise the deepest
   *     answer. A peer of our own table is hop 1, a peer first named by a hop-n peer hop n + 1;
   *     0 if nobody answered
   */
  public record Result(List<KadPeer> closest, int queried, int unreachable, int hops) {}

  private final PeerId self;
  private final KadKey target;
  private final int k;
  private final int alpha;
  private final int beta;
  private final Query query;
  private final TreeMap<KadKey, Candidate> candidates;
  private final Map<PeerId, KadKey> keys = new HashMap<>();
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private int inFlight;
  private int queried;
  private int unreachable;
  private int deepestAnswer;
  private boolean followingUp;

  private Lookup(PeerId self, KadKey target, int k, int alpha, int beta, Query query) {
    this.self = self;
    this.target = target;
    this.k = k;
    this.alpha = alpha;
    this.beta = beta;
    this.query = Objects.requireNonNull(query, "query");
    Comparator<KadKey> byDistance = target.byDistance();
    this.candidates = new TreeMap<>(byDistance);
  }

  /**
   * Runs a lookup.
   *
   * @param self our own ID, never asked
   * @param target the point looked up
   * @param seeds where to start: the routing table's closest peers
   * @param k how many closest peers the result holds
   * @param alpha queries in flight at most
   * @param beta how many of the closest peers must have answered before the lookup may end
   * @param query what to ask each peer
   * @return completes with the result, never exceptionally
   */
  public static CompletableFuture<Result> run(PeerId self, KadKey target, List<KadPeer> seeds,
      int k, int alpha, int beta, Query query) {
    Lookup l = new Lookup(self, target, k, alpha, beta, query);
    synchronized (l) {
      l.heard(seeds, 1);
      l.step(null);
    }
    return l.result;
  }

  private void heard(List<KadPeer> peers, int hop) {
    for (KadPeer p : peers) {
      if (p.id().equals(self)) {
        continue;
      }
      KadKey key = keys.computeIfAbsent(p.id(), KadKey::of);
      Candidate c = candidates.get(key);
      if (c == null) {
        candidates.put(key, new Candidate(p, hop));
      } else if (c.peer.addrs().isEmpty() && !p.addrs().isEmpty() && c.state == State.HEARD) {
        candidates.put(key, new Candidate(p, Math.min(hop, c.hop)));
      } else if (c.state == State.HEARD) {
        c.hop = Math.min(hop, c.hop);
      }
    }
  }

  /**
   * Starts queries as the rules allow, or ends the lookup. Called with the lock held.
   *
   * @param answered the candidate whose answer came in just now, or null at the start
   */
  private void step(Candidate answered) {
    if (result.isDone()) {
      return;
    }
    if (query.done()) {
      // Another answer may have satisfied the caller just before this one (a failure) took
      // the lock: then the deepest answer so far stands in for it.
      finish(answered == null ? deepestAnswer : answered.hop);
      return;
    }
    if (!followingUp && terminated()) {
      followingUp = true;
    }
    List<Candidate> next = new ArrayList<>();
    if (followingUp) {
      // Ask every one of the k closest still in the running that was not asked yet, α at a
      // time (go starts them all at once; the bound keeps our own load predictable).
      int seen = 0;
      for (Candidate c : candidates.values()) {
        if (seen >= k || inFlight + next.size() >= alpha) {
          break;
        }
        if (c.state == State.UNREACHABLE) {
          continue;
        }
        seen++;
        if (c.state == State.HEARD) {
          next.add(c);
        }
      }
    } else {
      for (Candidate c : candidates.values()) {
        if (inFlight + next.size() >= alpha) {
          break;
        }
        if (c.state == State.HEARD) {
          next.add(c);
        }
      }
    }
    if (inFlight == 0 && next.isEmpty()) {
      finish(deepestAnswer);
      return;
    }
    // Mark them all first: an answer that arrives at once (a failed dial) steps again, and must
    // neither ask them twice nor change the candidates while they are being walked.
    for (Candidate c : next) {
      c.state = State.WAITING;
      inFlight++;
    }
    for (Candidate c : next) {
      ask(c);
    }
  }

  /**
   * go's rule: the β closest peers not known to be unreachable have all answered. With nobody
   * left to ask (every candidate answered or failed) that holds too.
   */
  private boolean terminated() {
    int seen = 0;
    for (Candidate c : candidates.values()) {
      if (c.state == State.UNREACHABLE) {
        continue;
      }
      if (seen == beta) {
        break;
      }
      if (c.state != State.QUERIED) {
        return false;
      }
      seen++;
    }
    return true;
  }

  private void ask(Candidate c) {
    CompletableFuture<List<KadPeer>> answer;
    try {
      answer = query.ask(c.peer);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((closer, err) -> answered(c, closer, err));
  }

  private synchronized void answered(Candidate c, List<KadPeer> closer, Throwable err) {
    inFlight--;
    if (err != null) {
      c.state = State.UNREACHABLE;
      unreachable++;
    } else {
      c.state = State.QUERIED;
      queried++;
      deepestAnswer = Math.max(deepestAnswer, c.hop);
      if (!followingUp) {
        heard(closer, c.hop + 1);
      }
    }
    step(err == null ? c : null);
  }

  private void finish(int hops) {
    List<KadPeer> closest = new ArrayList<>();
    for (Candidate c : candidates.values()) {
      if (closest.size() >= k) {
        break;
      }
      if (c.state == State.QUERIED) {
        closest.add(c.peer);
      }
    }
    result.complete(new Result(List.copyOf(closest), queried, unreachable, hops));
  }
}
