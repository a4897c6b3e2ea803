package io.peerlink.relay.internal.dht;

import io.peerlink.relay.Dht;
import java.util.List;

/** Turns the DHT's internal peers into the public {@link Dht.PeerInfo}. */
final class DhtPeers {
  private DhtPeers() {}

  static List<Dht.PeerInfo> info(List<KadPeer> peers) {
    return peers.stream().map(p -> new Dht.PeerInfo(p.id(), p.dialable())).toList();
  }
}
