package io.peerlink.core.internal.host;

import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.TcpDelays;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One round of dialing a peer, for dialers that have another way to it (a relay): the addresses
 * resolved and ranked ({@link DialRanker}), then raced with a stagger ({@link DialRace}), each TCP connect with its own
 * short timeout, and no retry round after it. Cancelling stops the round; a connection it made
 * after the cancel is closed. Thread-safe.
 */
final class DialRound {
  private final HostCore core;
  private final PeerId peer;
  private final List<Multiaddr> addrs;
  private final Duration stagger;
  private final TcpDelays tcpDelays;
  private final Duration connectTimeout;
  private final CompletableFuture<Peer> result = new CompletableFuture<>();
  private DialRace race; // guarded by this
  private boolean cancelled; // guarded by this

  DialRound(HostCore core, PeerId peer, List<Multiaddr> addrs, Duration stagger, TcpDelays tcpDelays,
      Duration connectTimeout) {
    if (addrs.isEmpty()) {
      throw new IllegalArgumentException("no address to dial " + peer + " at");
    }
    for (Multiaddr a : addrs) {
      a.peerId().filter(id -> !id.equals(peer)).ifPresent(id -> {
        throw new IllegalArgumentException(a + " names peer " + id + ", not " + peer);
      });
      if (TransportAddress.socket(a).isEmpty()) {
        throw new IllegalArgumentException(TransportAddress.notDialable(a));
      }
    }
    this.core = core;
    this.peer = peer;
    this.addrs = addrs;
    this.stagger = stagger;
    this.tcpDelays = tcpDelays;
    this.connectTimeout = connectTimeout;
  }

  CompletableFuture<Peer> start() {
    CompletableFuture.supplyAsync(() -> {
      try {
        return DialRanker.rank(DialResolver.resolveAll(addrs));
      } catch (PeerException e) {
        throw new CompletionException(e);
      }
    }, core.resolverExecutor()).whenComplete((targets, err) -> {
      if (err != null) {
        result.completeExceptionally(PeerException.wrap(err, PeerError.CONNECT));
        return;
      }
      DialRace r;
      synchronized (this) {
        if (cancelled) {
          return;
        }
        // No rate limit here: the round is one dial of a dialer that already decided to dial.
        r = new DialRace(peer, targets, DialRanker.gaps(targets, stagger, tcpDelays), () -> 0L, core.eventLoops(),
            t -> core.dial(peer, t.socket(), t.addr(), connectTimeout));
        race = r;
      }
      r.start().whenComplete((p, e) -> {
        if (e != null) {
          result.completeExceptionally(PeerException.wrap(e, PeerError.CONNECT));
        } else if (!result.complete(p)) {
          p.close(); // cancelled meanwhile
        }
      });
    });
    return result;
  }

  void cancel() {
    DialRace r;
    synchronized (this) {
      cancelled = true;
      r = race;
    }
    if (r != null) {
      r.cancel();
    }
    if (!result.completeExceptionally(new PeerException(PeerError.CONNECT, "dial to " + peer + " cancelled"))
        && !result.isCompletedExceptionally()) {
      result.join().close();
    }
  }
}
