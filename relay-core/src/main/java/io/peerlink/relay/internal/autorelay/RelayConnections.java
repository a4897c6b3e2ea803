package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.Host;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Closes the direct connections AutoRelay no longer needs once it lets go of its relays, so the
 * relays free the slots they keep for us. A connection that carries a relayed connection of ours
 * stays open: closing it would cut that too (the relay drops such a reservation at its expiry).
 */
final class RelayConnections {
  private RelayConnections() {}

  /**
   * Closes the connections {@code dialed} for vetting and the direct connections to the relays
   * {@code held}, except those that carry a relayed connection of ours.
   *
   * @param core the host whose connections these are
   * @param dialed the connections dialed for vetting
   * @param held the relays whose reservations were just cancelled
   * @return a future that completes once those connections are closed (a failed close counts as closed)
   */
  static CompletableFuture<Void> release(Host core, Collection<Peer> dialed, Set<PeerId> held) {
    Set<Peer> toClose = new LinkedHashSet<>(dialed);
    for (Peer p : core.connections()) {
      if (held.contains(p.peerId()) && p.path() != ConnectionPath.RELAYED) {
        toClose.add(p);
      }
    }
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Peer p : toClose) {
      if (p.isOpen() && !carriesCircuits(core, p.peerId())) {
        closing.add(p.close().exceptionally(e -> null));
      }
    }
    return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
  }

  /** Whether a relayed connection of ours runs through {@code relay}. */
  private static boolean carriesCircuits(Host core, PeerId relay) {
    String through = "/p2p/" + relay + "/p2p-circuit";
    for (Peer p : core.connections()) {
      if (p.path() == ConnectionPath.RELAYED && p.isOpen() && p.remoteAddress().toString().contains(through)) {
        return true;
      }
    }
    return false;
  }
}
