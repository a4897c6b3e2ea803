package io.peerlink.examples.cli;

import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code peerlink demo}: two peers on this machine, with what happens between them told step by
 * step: identities, listening, a TLS and a Noise connection, identify, ping and an echo.
 */
final class Demo {
  private Demo() {}

  static int run(PrintStream out) throws Exception {
    Identity alice = Identity.generate();
    Identity bob = Identity.generate();
    step(out, "identities", "two Ed25519 identities generated",
        Map.of("alice", alice.peerId().toString(), "bob", bob.peerId().toString()));
    try (Listener listener = Listener.builder(bob)
            .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
            .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
            .config(PeerConfig.builder().securityProtocols(SecurityProtocol.TLS, SecurityProtocol.NOISE).build())
            .build().start().join()) {
      Multiaddr addr = listener.listenAddresses().get(0);
      step(out, "listening", "bob listens for TLS 1.3 and Noise connections", Map.of("addr", addr.toString()));
      for (SecurityProtocol security : List.of(SecurityProtocol.TLS, SecurityProtocol.NOISE)) {
        PeerConfig cfg = PeerConfig.builder().securityProtocols(security).build();
        try (Connector connector = Connector.builder(alice).config(cfg).build()) {
          long start = System.nanoTime();
          Peer peer = connector.connect(addr).join();
          step(out, "connected", "alice dialed bob; bob proved his peer ID in the " + security.protocolId()
                  + " handshake, and yamux multiplexes streams",
              Map.of("security", peer.securityProtocol(), "muxer", peer.muxer(),
                  "earlyMuxer", peer.earlyMuxerNegotiated(), "ms", PeerlinkCli.millis(System.nanoTime() - start)));
          var info = peer.identify().join();
          step(out, "identify", "bob told alice what he runs and where alice appears to come from",
              Map.of("agent", info.agentVersion(), "protocols", info.protocols(),
                  "observedAddr", String.valueOf(info.observedAddr())));
          Duration rtt = peer.ping().join();
          step(out, "ping", "one ping round trip", Map.of("rttMs", PeerlinkCli.millis(rtt.toNanos())));
          byte[] payload = new byte[1 << 20];
          ThreadLocalRandom.current().nextBytes(payload);
          Duration echo = EchoClient.roundTrip(peer, payload).join();
          step(out, "echo", "1 MiB sent to bob on an /echo/1.0.0 stream and checked byte for byte",
              Map.of("bytes", payload.length, "ms", PeerlinkCli.millis(echo.toNanos())));
          peer.close().join();
        }
      }
    }
    step(out, "done", "both connections closed; see README.md for the API and docs/ for the guides", Map.of());
    return 0;
  }

  private static void step(PrintStream out, String step, String message, Map<String, Object> details) {
    Map<String, Object> ev = Json.event("demo");
    ev.put("step", step);
    ev.put("message", message);
    ev.putAll(new java.util.TreeMap<>(details));
    synchronized (PeerlinkCli.class) {
      out.println(Json.write(ev));
    }
  }
}
