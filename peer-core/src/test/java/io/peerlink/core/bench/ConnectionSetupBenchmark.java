package io.peerlink.core.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.testing.JsPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Connection set-up time: from {@code connect()} (TCP connect) to the first stream echoed, for TLS
 * and Noise, against a peerlink peer and a js-libp2p peer, all in one run so the figures compare.
 * Not part of the normal test run (the class name does not end in Test); run it with
 * {@code mvn -o -pl peer-core test -Dtest=ConnectionSetupBenchmark -Dnetty.leak.level=disabled}.
 * Results go to stdout and {@code peer-core/target/bench/connection-setup.txt}.
 */
class ConnectionSetupBenchmark {
  private static final int WARMUP = Integer.getInteger("bench.warmup", 30);
  private static final int RUNS = Integer.getInteger("bench.runs", 100);

  @Test
  void connectionSetupMedians() throws Exception {
    List<String> rows = new ArrayList<>();
    rows.add(String.format("%-8s %-10s %8s %8s %8s   (%d runs after %d warm-up, ms)",
        "security", "remote", "median", "p10", "p90", RUNS, WARMUP));
    for (SecurityProtocol security : SecurityProtocol.values()) {
      PeerConfig cfg = PeerConfig.builder().securityProtocols(security).build();
      try (Listener listener = Listener.builder(Identity.generate())
              .config(cfg)
              .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
              .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
              .build().start().join();
          Connector connector = Connector.builder(Identity.generate()).config(cfg).build()) {
        rows.add(row(security, "peerlink", measure(connector, listener.listenAddresses().get(0))));
      }
      String mode = security == SecurityProtocol.TLS ? "tls" : "noise";
      try (JsPeer js = JsPeer.start("--security", mode);
          Connector connector = Connector.builder(Identity.generate()).config(cfg).build()) {
        rows.add(row(security, "js-libp2p", measure(connector, Multiaddr.parse(js.addr()))));
      }
    }
    String report = String.join("\n", rows) + "\n";
    System.out.print(report);
    Path out = Path.of("target", "bench", "connection-setup.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
  }

  private static double[] measure(Connector connector, Multiaddr target) throws Exception {
    byte[] one = {42};
    double[] ms = new double[RUNS];
    for (int i = -WARMUP; i < RUNS; i++) {
      long start = System.nanoTime();
      Peer peer = connector.connect(target).get(30, TimeUnit.SECONDS);
      EchoClient.roundTrip(peer, one).get(30, TimeUnit.SECONDS);
      long took = System.nanoTime() - start;
      peer.close().get(30, TimeUnit.SECONDS);
      if (i >= 0) {
        ms[i] = took / 1e6;
      }
    }
    Arrays.sort(ms);
    assertThat(ms[0]).isPositive();
    return ms;
  }

  private static String row(SecurityProtocol security, String remote, double[] sorted) {
    return String.format("%-8s %-10s %8.2f %8.2f %8.2f", security.protocolId(), remote,
        sorted[sorted.length / 2], sorted[sorted.length / 10], sorted[sorted.length * 9 / 10]);
  }
}
