package io.peerlink.core;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known about a connection before it is a {@link Peer}: reported with state changes and
 * handshake failures, when the handshake may not have proved who is on the other end yet.
 *
 * @param id a number unique among the connections of one host (listener and connectors sharing it)
 * @param direction who dialed
 * @param remoteAddress the remote transport address, without {@code /p2p}
 * @param expectedPeer for an outbound connection the peer ID dialed; empty for inbound connections
 */
public record ConnectionInfo(long id, Direction direction, Multiaddr remoteAddress, Optional<PeerId> expectedPeer) {
  /**
   * Checks that the components are present.
   *
   * @param id a number unique among the connections of one host (listener and connectors sharing it)
   * @param direction who dialed
   * @param remoteAddress the remote transport address, without {@code /p2p}
   * @param expectedPeer for an outbound connection the peer ID dialed; empty for inbound connections
   */
  public ConnectionInfo {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(expectedPeer, "expectedPeer");
  }
}
