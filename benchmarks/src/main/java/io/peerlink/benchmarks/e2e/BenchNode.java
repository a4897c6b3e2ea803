package io.peerlink.benchmarks.e2e;

import io.peerlink.benchmarks.LoopbackPeers;
import io.peerlink.core.Listener;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.perf.Perf;
import io.peerlink.relay.Manager;
import io.peerlink.relay.server.RelayServer;
import io.peerlink.testing.JsPeerJson;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One peerlink process of the end-to-end benchmark, started by {@link ChildJvm}. Prints one JSON
 * line when ready, then runs until its standard input closes.
 *
 * <pre>
 * serve                         peerlink listener (TCP with TLS and Noise, and QUIC) with echo and perf,
 *                               and the raw TLS server  {"addr":…,"quicAddr":…,"rawTlsPort":N}
 * relay --security S            a peerlink relay with no limits  {"addr":…}
 * target --security S --relay A a peer reserved on relay A, serving echo and perf  {"peerId":…}
 * </pre>
 */
public final class BenchNode {
  private BenchNode() {}

  /** Runs one mode; see the class comment. */
  public static void main(String[] args) throws Exception {
    Map<String, Object> ready = new LinkedHashMap<>();
    AutoCloseable running;
    switch (args[0]) {
      case "serve" -> {
        Listener l = LoopbackPeers.listener(LoopbackPeers.config(null), handlers(),
            List.of(LoopbackPeers.LOOPBACK, LoopbackPeers.QUIC_LOOPBACK));
        RawTlsServer raw = RawTlsServer.start();
        ready.put("addr", l.listenAddresses().get(0).toString());
        ready.put("quicAddr", l.listenAddresses().get(1).toString());
        ready.put("rawTlsPort", raw.port());
        running = l;
      }
      case "relay" -> {
        RelayServer relay = LoopbackPeers.relay(LoopbackPeers.config(security(args)));
        ready.put("addr", relay.listener().listenAddresses().get(0).toString());
        running = () -> relay.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
      }
      case "target" -> {
        Multiaddr relay = Multiaddr.parse(option(args, "--relay"));
        Manager m = LoopbackPeers.reservedOn(relay, LoopbackPeers.config(security(args)), handlers())
            .get(60, TimeUnit.SECONDS);
        ready.put("peerId", m.peerId().toString());
        running = m;
      }
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    ready.put("pid", ProcessHandle.current().pid());
    System.out.println(JsPeerJson.write(ready));
    System.out.flush();
    // Runs until the benchmark closes our stdin (or goes away).
    while (System.in.read() >= 0) {
      // ignore
    }
    running.close();
    System.exit(0);
  }

  private static Map<String, StreamHandler> handlers() {
    return Map.of(
        EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()),
        Perf.PROTOCOL, LoopbackPeers.PERF_SERVER);
  }

  private static SecurityProtocol security(String[] args) {
    return switch (option(args, "--security")) {
      case "tls" -> SecurityProtocol.TLS;
      case "noise" -> SecurityProtocol.NOISE;
      default -> throw new IllegalArgumentException("--security takes tls or noise");
    };
  }

  private static String option(String[] args, String name) {
    List<String> list = List.of(args);
    int i = list.indexOf(name);
    if (i < 0 || i + 1 >= args.length) {
      throw new IllegalArgumentException("missing " + name);
    }
    return args[i + 1];
  }
}
