package io.peerlink.examples.cli;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Manager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code peerlink find-peer}: where a peer is, asked of the DHT. */
@Command(name = "find-peer", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Join the DHT through --bootstrap, look a peer up by its ID and print"
          + " {\"event\":\"found-peer\",\"peerId\",\"addrs\":[…]} (addrs empty when nobody knew it).",
      ""
    })
final class FindPeerCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--target", paramLabel = "PEER_ID", required = true, description = "The peer to find.")
  String target;

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
    PeerId id;
    try {
      id = PeerId.parse(target);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--target must be a peer ID, not '" + target + "'");
    }
    try (Manager m = DhtRun.start(peer, nat, dht, listen)) {
      List<Multiaddr> addrs = m.dht().findPeer(id).get();
      Map<String, Object> ev = JsonEvents.event("found-peer");
      ev.put("peerId", id.toString());
      ev.put("addrs", addrs.stream().map(Object::toString).toList());
      JsonEvents.print(ev);
    }
    return 0;
  }
}
