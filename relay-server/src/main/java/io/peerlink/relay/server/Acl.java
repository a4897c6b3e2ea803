package io.peerlink.relay.server;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;

/**
 * Access control for the relay (go-libp2p's {@code ACLFilter}). A refusal is answered with
 * PERMISSION_DENIED. Called on a connection's event loop: must be quick and must not block.
 */
public interface Acl {

  /** Allows everything (the default). */
  Acl ALLOW_ALL = new Acl() {};

  /**
   * Whether {@code peer}, connected from {@code addr}, may reserve a slot.
   *
   * @param peer the peer asking
   * @param addr where it is connected from
   * @return whether to allow it
   */
  default boolean allowReserve(PeerId peer, Multiaddr addr) {
    return true;
  }

  /**
   * Whether {@code src}, connected from {@code srcAddr}, may open a circuit to {@code dest}.
   *
   * @param src the peer asking
   * @param srcAddr where it is connected from
   * @param dest the peer it wants to reach
   * @return whether to allow it
   */
  default boolean allowConnect(PeerId src, Multiaddr srcAddr, PeerId dest) {
    return true;
  }
}
