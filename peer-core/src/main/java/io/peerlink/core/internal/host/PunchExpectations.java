package io.peerlink.core.internal.host;

import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.PunchExpectation;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hole punches under way that expect the remote's SYN at our listener, by the address it
 * comes from: a connection accepted from such an address plays the punch's role instead of being
 * an ordinary inbound one (see {@link PunchExpectation}). Thread-safe.
 */
final class PunchExpectations {
  private final Map<InetSocketAddress, Expectation> byRemote = new ConcurrentHashMap<>();

  /** Expects a punch's SYN from {@code remotes}; withdraw the expectation once the punch ended. */
  PunchExpectation expect(PeerId peer, Direction role, List<InetSocketAddress> remotes) {
    Expectation e = new Expectation(peer, role, remotes);
    for (InetSocketAddress r : remotes) {
      byRemote.put(r, e);
    }
    return e;
  }

  /**
   * Hands a connection accepted from {@code remote} to the punch expecting it; null if no punch
   * expects it, or the punch already claimed a connection. {@code upgrade} completes with the
   * upgraded connection.
   */
  PunchExpectation claim(InetSocketAddress remote, CompletableFuture<Peer> upgrade) {
    Expectation e = remote == null ? null : byRemote.get(remote);
    return e != null && e.claim(upgrade) ? e : null;
  }

  private final class Expectation implements PunchExpectation {
    private final PeerId peer;
    private final Direction role;
    private final List<InetSocketAddress> remotes;
    private final CompletableFuture<CompletableFuture<Peer>> accepted = new CompletableFuture<>();

    Expectation(PeerId peer, Direction role, List<InetSocketAddress> remotes) {
      this.peer = peer;
      this.role = role;
      this.remotes = List.copyOf(remotes);
    }

    @Override
    public PeerId peer() {
      return peer;
    }

    @Override
    public Direction role() {
      return role;
    }

    @Override
    public CompletableFuture<CompletableFuture<Peer>> accepted() {
      return accepted;
    }

    /** Claims an accepted connection for this punch; false if one was claimed already. */
    boolean claim(CompletableFuture<Peer> upgrade) {
      return accepted.complete(upgrade);
    }

    @Override
    public void withdraw() {
      remotes.forEach(r -> byRemote.remove(r, this));
    }
  }
}
