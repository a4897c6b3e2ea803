package io.peerlink.relay.internal.client;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;

/**
 * The shapes of relay addresses: a relay is {@code <transport>/p2p/<relay>}; a relayed address of
 * a peer is {@code <relay>/p2p-circuit/p2p/<peer>}; the remote address of a relayed connection is
 * {@code <relay transport>/p2p/<relay>/p2p-circuit} (as go reports it).
 */
public final class RelayAddresses {
  private static final Multiaddr CIRCUIT = Multiaddr.parse("/p2p-circuit");

  private RelayAddresses() {}

  /** A parsed {@code <relay>/p2p-circuit/p2p/<target>}: {@code relay} ends in {@code /p2p/<relayId>}. */
  public record CircuitTarget(Multiaddr relay, PeerId relayId, PeerId target) {}

  /**
   * Parses a relayed address.
   *
   * @throws IllegalArgumentException unless it is {@code …/p2p/<relay>/p2p-circuit/p2p/<target>}
   */
  public static CircuitTarget parse(Multiaddr addr) {
    if (!addr.isRelayed()) {
      throw new IllegalArgumentException("not a relayed address (no /p2p-circuit): " + addr);
    }
    PeerId target = addr.peerId().orElseThrow(() -> new IllegalArgumentException(
        "a relayed address must end in /p2p-circuit/p2p/<target peer id>: " + addr));
    Multiaddr relay = addr.decapsulate(Protocol.P2P_CIRCUIT);
    if (!addr.withoutPeerId().equals(relay.encapsulate(CIRCUIT))) {
      throw new IllegalArgumentException("expected <relay>/p2p-circuit/p2p/<target>, got " + addr);
    }
    if (relay.isRelayed()) {
      throw new IllegalArgumentException("relaying through a relayed connection is not supported: " + addr);
    }
    PeerId relayId = relay.peerId().orElseThrow(() -> new IllegalArgumentException(
        "the relay part must end in /p2p/<relay peer id>: " + addr));
    return new CircuitTarget(relay, relayId, target);
  }

  /** {@code <relay>/p2p-circuit/p2p/<peer>}: where {@code peer} is reachable through {@code relay}. */
  public static Multiaddr reserved(Multiaddr relay, PeerId peer) {
    return relay.encapsulate(CIRCUIT).withPeerId(peer);
  }

  /** {@code <transport>/p2p/<relay>/p2p-circuit}: a relayed connection's remote address. */
  public static Multiaddr connectionAddress(Multiaddr relayTransport, PeerId relay) {
    return relayTransport.withoutPeerId().withPeerId(relay).encapsulate(CIRCUIT);
  }
}
