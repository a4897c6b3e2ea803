package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Checks that a relay candidate can serve us before AutoRelay reserves on it: a direct connection
 * (an open one is reused, otherwise the candidate is dialed), an identify answer that lists the
 * hop protocol, and one ping, whose round trip ranks the candidate. A candidate that fails a step,
 * or takes longer than the vetting timeout, is rejected. The relays held are pinged again now and
 * then, so their ranking follows their current round trips.
 *
 * <p>It remembers the connections it dialed itself, so AutoRelay can close them when it lets go
 * (the relays then free what they hold for us). Thread-safe.
 */
final class CandidateVetter {
  private final Host core;
  private final Duration timeout;

  // Guarded by this.
  private final Set<Peer> dialed = new HashSet<>();
  private boolean closed;

  /**
   * A vetter dialing through {@code core}.
   *
   * @param core the host to dial and ping with
   * @param timeout how long one candidate's vetting may take
   */
  CandidateVetter(Host core, Duration timeout) {
    this.core = core;
    this.timeout = timeout;
  }

  /**
   * Vets the candidate {@code id} at {@code addr}.
   *
   * @param id the candidate's peer ID
   * @param addr the candidate's address, ending in {@code /p2p/<id>}
   * @return a future that completes with the measured round trip if the candidate is accepted, and
   *     fails if it is rejected ({@link #rejection} says why in words)
   */
  CompletableFuture<Duration> vet(PeerId id, Multiaddr addr) {
    CompletableFuture<Duration> result;
    try {
      result = directConnection(id, addr)
          .thenCompose(peer -> peer.identify().thenCompose(info -> {
            if (!info.protocols().contains(CircuitMessages.HOP_PROTOCOL)) {
              throw new CompletionException(new PeerException(PeerError.PROTOCOL,
                  addr + " does not offer the relay hop protocol (" + CircuitMessages.HOP_PROTOCOL + ")"));
            }
            return peer.ping();
          }));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * The reason to report for a rejected candidate: the failure itself, or a timeout said in words.
   *
   * @param addr the candidate's address
   * @param err what {@link #vet} failed with
   * @return the reason
   */
  Throwable rejection(Multiaddr addr, Throwable err) {
    Throwable cause = unwrap(err);
    if (cause instanceof TimeoutException) {
      return new PeerException(PeerError.TIMEOUT, "vetting " + addr + " took longer than " + timeout);
    }
    return cause;
  }

  /**
   * Hands over the connections dialed so far (for the caller to close) and forgets them.
   *
   * @param forGood whether vetting has ended for good: a dial that completes later is closed at once
   * @return the connections dialed and still open, as far as this vetter knows
   */
  synchronized Set<Peer> takeDialed(boolean forGood) {
    closed |= forGood;
    Set<Peer> out = new HashSet<>(dialed);
    dialed.clear();
    return out;
  }

  /**
   * Measures the round trip to a relay again, over its open direct connection if there is one
   * (the ranking of relays held follows their current round trips).
   *
   * @param relay the relay
   * @param measured gets the round trip, if the ping succeeds
   */
  void remeasure(PeerId relay, Consumer<Duration> measured) {
    Peer p = openDirect(relay);
    if (p != null) {
      p.ping().whenComplete((rtt, err) -> {
        if (rtt != null) {
          measured.accept(rtt);
        }
      });
    }
  }

  private CompletableFuture<Peer> directConnection(PeerId id, Multiaddr addr) {
    Peer open = openDirect(id);
    if (open != null) {
      return CompletableFuture.completedFuture(open);
    }
    return core.dial(addr).whenComplete((p, e) -> {
      if (p != null) {
        remember(p);
      }
    });
  }

  /** An open connection to {@code id} that is not relayed, or null. */
  private Peer openDirect(PeerId id) {
    for (Peer p : core.connections()) {
      if (p.peerId().equals(id) && p.path() != ConnectionPath.RELAYED && p.isOpen()) {
        return p;
      }
    }
    return null;
  }

  private synchronized void remember(Peer p) {
    if (closed) {
      p.close();
      return;
    }
    dialed.add(p);
    p.closeFuture().whenComplete((v, x) -> {
      synchronized (CandidateVetter.this) {
        dialed.remove(p);
      }
    });
  }

  /**
   * The failure inside the wrappers that futures add.
   *
   * @param err a failure from a future
   * @return the first cause that is not a {@link CompletionException} or {@link ExecutionException}
   */
  static Throwable unwrap(Throwable err) {
    Throwable t = err;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
