package io.peerlink.examples.cli;

import io.peerlink.core.Echo;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.Manager;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.server.RelayServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code peerlink demo}: the mission in one process, told step by step. A relay, a peer (bob) that
 * is reachable only through it, and a peer (alice) that knows nothing but bob's peer ID and the
 * relay's address: her dial finds no address to try directly, none to punch a hole to, and ends
 * on the relay.
 *
 * <p>How the two are kept apart: bob's only addresses are loopback ones, which no peer counts as
 * public (peerlink's default address filter, as go's), so bob announces none, his reservation
 * offers only the relay's circuit address, and alice is given only his peer ID. On one machine
 * without root that is the honest limit; {@code scripts/demo.sh} run as root puts the peers
 * behind real NAT routers (network namespaces and iptables) instead.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
      "Show the mission on this machine, in one process: a relay, a peer reachable only through it,"
          + " and a dial by peer ID that reports each stage and ends on the relay; then ping and echo.",
      ""
    })
final class DemoCommand implements Callable<Integer> {
  private static final Duration T = Duration.ofSeconds(30);

  @Override
  public Integer call() throws Exception {
    Identity relayId = Identity.generate();
    Identity alice = Identity.generate();
    Identity bob = Identity.generate();
    step("identities", "three Ed25519 identities: a relay, bob (the peer to reach) and alice (who dials)",
        Map.of("relay", relayId.peerId().toString(), "bob", bob.peerId().toString(),
            "alice", alice.peerId().toString()));
    RelayServer relay = RelayServer.builder(relayId)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .publicAddressFilter(AddressFilter.everything())
        .build();
    relay.start().get(T.toSeconds(), TimeUnit.SECONDS);
    try {
      Multiaddr relayAddr = relay.listener().listenAddresses().get(0);
      step("relay", "a Circuit Relay v2 relay listens (default limits: 2 min and 128 KiB per circuit direction)",
          Map.of("addr", relayAddr.toString()));
      try (Manager b = Manager.builder(bob)
              .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
              .handlerOnLimitedConnections(Echo.PROTOCOL_ID, Echo.handler())
              .build().start().get(T.toSeconds(), TimeUnit.SECONDS);
          Manager a = Manager.builder(alice)
              .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
              // A relayed connection is limited: a protocol runs on it only if both sides opt in.
              .handlerOnLimitedConnections(Echo.PROTOCOL_ID, Echo.handler())
              .punchTimeout(Duration.ofSeconds(5))
              .build().start().get(T.toSeconds(), TimeUnit.SECONDS)) {
        Reservation r = b.reserve(relayAddr).get(T.toSeconds(), TimeUnit.SECONDS);
        step("reserved", "bob, who has no public address, reserved a slot on the relay: the relay's circuit"
                + " address is the only way to reach him",
            Map.of("addrs", r.addrs().stream().map(Object::toString).toList()));
        a.setRelayAddr(relayAddr);
        step("dial", "alice dials bob by peer ID alone: direct first, then a hole punch, then the relay",
            Map.of("target", bob.peerId().toString()));
        DialReport report = a.dialWithReport(bob.peerId(), List.of()).get(T.toSeconds(), TimeUnit.SECONDS);
        for (DialReport.Stage s : report.stages()) {
          step("dial-stage", explain(s), CliEvents.stageFields(s));
        }
        var peer = report.peer();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("path", peer.path().wireName());
        c.put("remoteAddr", peer.remoteAddress().toString());
        c.put("security", peer.securityProtocol());
        c.put("muxer", peer.muxer());
        peer.limit().ifPresent(l -> c.put("limit", Map.of("seconds", l.duration().toSeconds(), "bytes", l.dataBytes())));
        step("connected", "alice reached bob " + peer.path().wireName() + ", end-to-end encrypted: the relay"
            + " only forwards bytes it cannot read", c);
        step("ping", "one ping round trip through the relay",
            Map.of("rttMs", JsonEvents.millis(peer.ping().get(T.toSeconds(), TimeUnit.SECONDS).toNanos())));
        byte[] payload = new byte[32 * 1024];
        ThreadLocalRandom.current().nextBytes(payload);
        Duration echo = Echo.roundTrip(peer, payload).get(T.toSeconds(), TimeUnit.SECONDS);
        step("echo", "32 KiB sent to bob on an /echo/1.0.0 stream and checked byte for byte (within the"
                + " relay's 128 KiB per-direction limit)",
            Map.of("bytes", payload.length, "ms", JsonEvents.millis(echo.toNanos())));
        peer.close().get(T.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      relay.stop(Duration.ZERO).get(T.toSeconds(), TimeUnit.SECONDS);
    }
    step("done", "everything closed; scripts/demo.sh run as root does the same through real NAT routers,"
        + " where the hole punch wins", Map.of());
    return 0;
  }

  private static String explain(DialReport.Stage s) {
    Map<String, Object> f = CliEvents.stageFields(s);
    return switch (f.get("stage") + " " + f.get("outcome")) {
      case "direct skipped" -> "no address of bob's to dial directly";
      case "direct failed" -> "bob's direct addresses did not answer";
      case "holepunch skipped", "holepunch failed" -> "no hole punch: neither side has a public address to punch to";
      case "relay ok" -> "the relay carried the connection";
      default -> s.toString();
    };
  }

  private static void step(String step, String message, Map<String, Object> details) {
    Map<String, Object> ev = JsonEvents.event("demo");
    ev.put("step", step);
    ev.put("message", message);
    ev.putAll(details instanceof LinkedHashMap ? details : new TreeMap<>(details));
    JsonEvents.print(ev);
  }
}
