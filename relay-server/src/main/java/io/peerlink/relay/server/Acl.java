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

  /** Whether {@code peer}, connected from {@code addr}, may reserve a slot. */
  default boolean allowReserve(PeerId peer, Multiaddr addr) {
    return true;
  }

  /** Whether {@code src}, connected from {@code srcAddr}, may open a circuit to {@code dest}. */
  default boolean allowConnect(PeerId src, Multiaddr srcAddr, PeerId dest) {
    return true;
  }
}
