package io.peerlink.examples.cli;

import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Dht;
import io.peerlink.relay.Manager;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code peerlink provide}: announce this peer as a provider of a name's key, and stay up. */
@Command(name = "provide", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Join the DHT, announce this peer as a provider of --name's key (the SHA-256 multihash of the name),"
          + " print {\"event\":\"provided\",\"key\",\"peers\"} and keep running, so finders can reach"
          + " this peer, until interrupted. Re-announced every 22 h.",
      ""
    })
final class ProvideCommand implements Callable<Integer> {
  @Option(names = "--name", paramLabel = "TEXT", required = true,
      description = "What is provided, e.g. /my-app/v1 (the relay rendezvous is /peerlink/relay/v1).")
  String name;

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
    Manager m = DhtRun.start(peer, nat, dht, listen);
    byte[] key = Dht.rendezvousKey(name);
    int told = m.dht().provide(key).get();
    Map<String, Object> ev = JsonEvents.event("provided");
    ev.put("name", name);
    ev.put("key", HexFormat.of().formatHex(key));
    ev.put("peers", told);
    ev.put("addrs", m.listener().listenAddresses().stream().map(Object::toString).toList());
    JsonEvents.print(ev);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      m.close();
      stop.countDown();
    }, "peerlink-shutdown"));
    stop.await();
    return 0;
  }
}
