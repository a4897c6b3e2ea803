package io.peerlink.examples.cli;

import io.peerlink.core.Echo;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.perf.Perf;
import io.peerlink.relay.AutoRelayConfig;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.Manager;
import io.peerlink.relay.spi.RelayHopOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code peerlink peer}: a long-running peer that serves echo, prints a line per connection, and
 * optionally reserves on a relay, keeps reservations with AutoRelay, or serves as a relay.
 */
@Command(name = "peer", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Run a peer until interrupted: it serves /echo/1.0.0 and prints one JSON line per event"
          + " (listening, connection, reserved, relay-state, relay-lost, holepunch, dht-joined)."
          + " With --dht or --bootstrap it joins the Kademlia DHT.",
      ""
    })
final class PeerCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--listen", paramLabel = "MULTIADDR", required = true, converter = MultiaddrConverter.class,
      description = "TCP or QUIC multiaddr to listen on, e.g. /ip4/127.0.0.1/tcp/0 or"
          + " /ip4/0.0.0.0/udp/4001/quic-v1 (repeatable).")
  List<Multiaddr> listen = new ArrayList<>();

  @Option(names = "--relay", paramLabel = "MULTIADDR", converter = MultiaddrConverter.class,
      description = "Reserve on this relay and stay reachable through it; with --autorelay, a candidate"
          + " relay (repeatable).")
  List<Multiaddr> relays = new ArrayList<>();

  @Option(names = "--autorelay", description = "Keep reservations on the best of the --relay candidates.")
  boolean autoRelay;

  @Option(names = "--min-relays", paramLabel = "N", defaultValue = "2",
      description = "With --autorelay: reservations to keep (default: ${DEFAULT-VALUE}).")
  int minRelays;

  @Option(names = "--serve-relay", description = "Serve as a Circuit Relay v2 relay for other peers.")
  boolean serveRelay;

  @Option(names = "--relay-any-address",
      description = "With --serve-relay: put every address in reservations, loopback and private too.")
  boolean relayAnyAddress;

  @Mixin
  PeerOptions peer;

  @Mixin
  NatOptions nat;

  @Mixin
  DhtOptions dht;

  @Override
  public Integer call() throws Exception {
    if (relays.size() > 1 && !autoRelay) {
      throw new ParameterException(spec.commandLine(), "several --relay need --autorelay");
    }
    JsonEvents.holdUntilFirst(); // "listening" comes first, whatever starts before it is printed
    Manager.Builder b = Manager.builder(peer.identity())
        .config(peer.config())
        // Echo runs over limited relayed connections too, as the js harness's does.
        .handlerOnLimitedConnections(Echo.PROTOCOL_ID, Echo.handler())
        .handler(Perf.PROTOCOL, Perf.server()) // a diagnostics tool: serve perf for `peerlink perf`
        .eventListener(new CliEvents(true,
            autoRelay ? CliEvents.Reservations.BY_PEER_ID
                : relays.isEmpty() ? CliEvents.Reservations.NONE : CliEvents.Reservations.BY_ADDRESS,
            relays.isEmpty() ? null : relays.get(0), true, true))
        .relayHopOptions(new RelayHopOptions(relayAnyAddress ? addr -> true : null, Duration.ofSeconds(5)));
    nat.apply(b);
    dht.apply(b, DhtConfig.Mode.AUTO);
    listen.forEach(b::listenOn);
    if (autoRelay) {
      b.autoRelay(AutoRelayConfig.builder().minRelays(minRelays)
          .maxRelays(Math.max(minRelays, AutoRelayConfig.defaults().maxRelays())).build(), relays);
    }
    Manager manager = b.build().start().join();
    Map<String, Object> ev = JsonEvents.event("listening");
    ev.put("peerId", manager.peerId().toString());
    ev.put("addrs", manager.listener().listenAddresses().stream().map(Object::toString).toList());
    JsonEvents.printFirst(ev);
    if (serveRelay) {
      manager.enableRelay();
      JsonEvents.print(JsonEvents.event("relay-enabled"));
    }
    if (!relays.isEmpty() && !autoRelay) {
      reserveOn(manager, relays.get(0));
    }
    if (dht.enabled()) {
      DhtRun.joined(manager);
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      manager.close();
      stop.countDown();
    }, "peerlink-shutdown"));
    stop.await();
    return 0;
  }

  /** Reserves on {@code relay} through the manager's relay service, which retries and reconnects. */
  private static void reserveOn(Manager manager, Multiaddr relay) {
    manager.setRelayAddr(relay);
    // Keeps trying with backoff when the relay is not reachable yet (relay-state lines tell).
    manager.connectRelay().exceptionally(err -> null);
  }
}
