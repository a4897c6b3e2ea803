package io.peerlink.examples.cli;

import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.Manager;
import java.util.Map;

/** Starting a peer for a one-shot DHT command (find-peer, provide, find-providers) and joining. */
final class DhtRun {
  private DhtRun() {}

  /**
   * Starts a manager on {@code listen} with the DHT on (a client unless --dht-mode says otherwise),
   * bootstraps, and prints a {@code dht-joined} line with the routing table's size.
   */
  static Manager start(PeerOptions peer, NatOptions nat, DhtOptions dht, Multiaddr listen) throws Exception {
    dht.dht = true;
    Manager.Builder b = Manager.builder(peer.identity()).config(peer.config()).listenOn(listen);
    nat.apply(b);
    dht.apply(b, DhtConfig.Mode.CLIENT);
    Manager m = b.build().start().get();
    joined(m);
    return m;
  }

  /** Bootstraps {@code m}'s DHT and prints {@code {"event":"dht-joined","routingTable":N}}. */
  static void joined(Manager m) throws Exception {
    int size = m.dht().bootstrap().get();
    Map<String, Object> ev = JsonEvents.event("dht-joined");
    ev.put("peerId", m.peerId().toString());
    ev.put("routingTable", size);
    ev.put("server", m.dht().isServer());
    JsonEvents.print(ev);
  }
}
