package io.peerlink.core;

import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.List;

/**
 * What a remote peer told us about itself through identify ({@code /ipfs/id/1.0.0}). The public
 * key was checked against the connection's authenticated peer ID.
 *
 * @param protocolVersion for example {@code "ipfs/0.1.0"}; empty if not sent
 * @param agentVersion the remote software, for example {@code "js-libp2p/3.3.11"}; empty if not sent
 * @param publicKey the remote identity key
 * @param listenAddrs the addresses the remote says it listens on
 * @param observedAddr our address as the remote sees it, or null if not sent
 * @param protocols the protocols the remote accepts streams for
 */
public record IdentifyInfo(
    String protocolVersion,
    String agentVersion,
    PublicKey publicKey,
    List<Multiaddr> listenAddrs,
    Multiaddr observedAddr,
    List<String> protocols) {
  /**
   * Copies the lists, so the record is immutable.
   *
   * @param protocolVersion for example {@code "ipfs/0.1.0"}; empty if not sent
   * @param agentVersion the remote software, for example {@code "js-libp2p/3.3.11"}; empty if not sent
   * @param publicKey the remote identity key
   * @param listenAddrs the addresses the remote says it listens on
   * @param observedAddr our address as the remote sees it, or null if not sent
   * @param protocols the protocols the remote accepts streams for
   */
  public IdentifyInfo {
    listenAddrs = List.copyOf(listenAddrs);
    protocols = List.copyOf(protocols);
  }
}
