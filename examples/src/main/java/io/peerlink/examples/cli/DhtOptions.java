package io.peerlink.examples.cli;

import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.Manager;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Kademlia DHT options, shared by the commands that can join the DHT. */
final class DhtOptions {
  @Option(names = "--dht", description = "Join the Kademlia DHT (/ipfs/kad/1.0.0); implied by --bootstrap.")
  boolean dht;

  @Option(names = "--bootstrap", paramLabel = "MULTIADDR", converter = MultiaddrConverter.class,
      description = "A DHT peer to join through, <transport>/p2p/<id> (repeatable).")
  List<Multiaddr> bootstrap = new ArrayList<>();

  @Option(names = "--dht-mode", paramLabel = "AUTO|CLIENT|SERVER",
      description = "AUTO: serve the DHT while AutoNAT says we are public (default for peer); CLIENT: only"
          + " ask (default for one-shot commands); SERVER: always serve (a lab or loopback).")
  DhtConfig.Mode mode;

  boolean enabled() {
    return dht || !bootstrap.isEmpty();
  }

  /** Turns the DHT on in {@code b} when asked, in {@code defaultMode} unless --dht-mode says otherwise. */
  void apply(Manager.Builder b, DhtConfig.Mode defaultMode) {
    if (enabled()) {
      b.dht(DhtConfig.builder().bootstrap(bootstrap).mode(mode != null ? mode : defaultMode).build());
    }
  }
}
