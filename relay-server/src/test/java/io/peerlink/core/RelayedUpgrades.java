package io.peerlink.core;

import io.netty.channel.Channel;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.host.ConnectionUpgrader;
import java.util.concurrent.CompletableFuture;

/**
 * Test access to peer-core's connection upgrade over an established circuit (a hop or stop stream
 * that has become a relayed byte pipe), until peer-core has a relay transport of its own. The
 * connection is upgraded with the listener's identity, settings and handlers, and its
 * {@link Peer#path()} is {@link ConnectionPath#RELAYED}.
 */
public final class RelayedUpgrades {
  private RelayedUpgrades() {}

  /**
   * Installs the upgrade on {@code circuit} (at the end of its pipeline); for
   * {@link Direction#OUTBOUND}, {@code expected} is the peer the remote must prove to be.
   */
  public static CompletableFuture<Peer> upgrade(Listener host, Channel circuit, Direction direction, PeerId expected) {
    CompletableFuture<Peer> peer = new CompletableFuture<>();
    ConnectionUpgrader.install(host.core(), circuit, direction, expected, ConnectionPath.RELAYED, peer);
    return peer;
  }
}
