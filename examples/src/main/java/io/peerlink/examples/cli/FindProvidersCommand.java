package io.peerlink.examples.cli;

import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Dht;
import io.peerlink.relay.Manager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code peerlink find-providers}: who provides a name's key, asked of the DHT. */
@Command(name = "find-providers", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Join the DHT, look up the providers of --name's key and print one"
          + " {\"event\":\"provider\",\"peerId\",\"addrs\"} line each, then {\"event\":\"providers\",\"count\"}.",
      ""
    })
final class FindProvidersCommand implements Callable<Integer> {
  @Option(names = "--name", paramLabel = "TEXT", required = true, description = "What is provided, e.g. /my-app/v1.")
  String name;

  @Option(names = "--max", paramLabel = "N", defaultValue = "20", description = "Providers wanted (default: ${DEFAULT-VALUE}).")
  int max;

  @Option(names = "--listen", paramLabel = "MULTIADDR", converter = MultiaddrConverter.class,
      defaultValue = "/ip4/127.0.0.1/tcp/0", description = "Where this side listens (default: ${DEFAULT-VALUE}).")
  Multiaddr listen;

  @Mixin
  PeerOptions peer;

  @Mixin
  NatOptions nat;

  @Mixin
  DhtOptions dht;

  @Override
  public Integer call() throws Exception {
    try (Manager m = DhtRun.start(peer, nat, dht, listen)) {
      List<Dht.PeerInfo> found = m.dht().findProviders(Dht.rendezvousKey(name), max).get();
      for (Dht.PeerInfo p : found) {
        Map<String, Object> ev = JsonEvents.event("provider");
        ev.put("peerId", p.id().toString());
        ev.put("addrs", p.addrs().stream().map(Object::toString).toList());
        JsonEvents.print(ev);
      }
      Map<String, Object> end = JsonEvents.event("providers");
      end.put("count", found.size());
      JsonEvents.print(end);
    }
    return 0;
  }
}
