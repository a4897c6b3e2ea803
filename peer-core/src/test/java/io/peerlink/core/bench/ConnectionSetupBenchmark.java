package io.peerlink.core.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.TlsEngine;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.testing.JsPeer;
import io.peerlink.core.internal.tls.TlsEnginesUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Connection set-up time: from {@code connect()} (TCP connect) to the first stream echoed, for TLS
 * (on each TLS engine) and Noise, between two peerlink peers, from peerlink to a js-libp2p peer,
 * and between two js-libp2p peers. All pairs run interleaved, one set-up each in turn, so a change
 * in the machine's load hits them alike and the figures compare.
 * Not part of the normal test run (the class name does not end in Test); run it with
 * {@code mvn -o -pl peer-core test -Dtest=ConnectionSetupBenchmark -Dnetty.leak.level=disabled
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 * Results go to stdout and {@code peer-core/target/bench/connection-setup.txt}.
 */
class ConnectionSetupBenchmark {
  private static final int WARMUP = Integer.getInteger("bench.warmup", 30);
  private static final int RUNS = Integer.getInteger("bench.runs", 100);
  private static final Duration T = Duration.ofSeconds(30);

  /** One kind of connection set-up; {@link #once()} makes one and returns its time in ns. */
  private record Pair(String security, String pair, Callable<Long> once) {}

  @Test
  void connectionSetupMedians() throws Exception {
    List<AutoCloseable> resources = new ArrayList<>();
    List<Pair> pairs = new ArrayList<>();
    try {
      for (SecurityProtocol security : List.of(SecurityProtocol.TLS, SecurityProtocol.NOISE)) {
        String mode = security == SecurityProtocol.TLS ? "tls" : "noise";
        JsPeer js = JsPeer.start("--security", mode);
        resources.add(js);
        // TLS once per engine; Noise does not care.
        List<TlsEngine> engines = security == SecurityProtocol.TLS
            ? TlsEnginesUnderTest.engines().toList() : List.of(TlsEngine.AUTO);
        for (TlsEngine engine : engines) {
          PeerConfig cfg = PeerConfig.builder().securityProtocols(security).tlsEngine(engine).build();
          String name = security.protocolId()
              + (security == SecurityProtocol.TLS ? " " + engine.name().toLowerCase(Locale.ROOT) : "");
          Listener listener = Listener.builder(Identity.generate())
              .config(cfg)
              .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
              .handler(EchoClient.PROTOCOL, st -> st.channel().pipeline().addLast(new EchoHandler()))
              .build().start().join();
          resources.add(listener);
          Connector connector = Connector.builder(Identity.generate()).config(cfg).build();
          resources.add(connector);
          Multiaddr local = listener.listenAddresses().get(0);
          Multiaddr remote = Multiaddr.parse(js.addr());
          pairs.add(new Pair(name, "peerlink-peerlink", () -> setUp(connector, local)));
          pairs.add(new Pair(name, "peerlink-js", () -> setUp(connector, remote)));
        }
        JsPeer dialer = JsPeer.start("--security", mode);
        resources.add(dialer);
        pairs.add(new Pair(security.protocolId(), "js-js", () -> setUpJs(dialer, js)));
      }
      JsPeer anyJs = (JsPeer) resources.get(0);
      Pair stdio = new Pair("(harness)", "js stdio command", () -> {
        long start = System.nanoTime();
        anyJs.requestOk(T, "cmd", "peers");
        return System.nanoTime() - start;
      });
      pairs.add(stdio);
      Map<Pair, double[]> ms = new LinkedHashMap<>();
      pairs.forEach(p -> ms.put(p, new double[RUNS]));
      for (int i = -WARMUP; i < RUNS; i++) {
        for (Pair p : pairs) {
          long took = p.once().call();
          if (i >= 0) {
            ms.get(p)[i] = took / 1e6;
          }
        }
      }
      // What a command's round trip over stdio costs by itself is taken off the js-js figures
      // (two commands per set-up), so js is not charged for our harness.
      double[] harness = ms.get(stdio).clone();
      Arrays.sort(harness);
      double overhead = 2 * harness[RUNS / 2];
      List<String> rows = new ArrayList<>();
      rows.add(String.format(Locale.ROOT, "%-18s %-18s %8s %8s %8s   (%d interleaved runs after %d warm-up, ms)",
          "security", "pair", "median", "p10", "p90", RUNS, WARMUP));
      for (Map.Entry<Pair, double[]> e : ms.entrySet()) {
        double[] sorted = e.getValue();
        if (e.getKey().pair().equals("js-js")) {
          for (int i = 0; i < sorted.length; i++) {
            sorted[i] = Math.max(0, sorted[i] - overhead);
          }
        }
        Arrays.sort(sorted);
        assertThat(sorted[RUNS / 2]).isPositive();
        rows.add(String.format(Locale.ROOT, "%-18s %-18s %8.2f %8.2f %8.2f", e.getKey().security(),
            e.getKey().pair(), sorted[RUNS / 2], sorted[RUNS / 10], sorted[RUNS * 9 / 10]));
      }
      String report = String.join("\n", rows) + "\n";
      System.out.print(report);
      Path out = Path.of("target", "bench", "connection-setup.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report);
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
    }
  }

  /** Nanoseconds from connect() to one byte echoed over a new stream; then closes. */
  private static long setUp(Connector connector, Multiaddr target) throws Exception {
    byte[] one = {42};
    long start = System.nanoTime();
    Peer peer = connector.connect(target).get(30, TimeUnit.SECONDS);
    EchoClient.roundTrip(peer, one).get(30, TimeUnit.SECONDS);
    long took = System.nanoTime() - start;
    peer.close().get(30, TimeUnit.SECONDS);
    return took;
  }

  /** The same between two js peers: a dials b on a new connection and echoes one byte over it. */
  private static long setUpJs(JsPeer a, JsPeer b) {
    long start = System.nanoTime();
    Map<String, Object> conn = a.requestOk(T, "cmd", "dial", "addr", b.addr(), "force", true);
    a.requestOk(T, "cmd", "echo", "connId", conn.get("connId"), "bytes", 1);
    long took = System.nanoTime() - start;
    a.requestOk(T, "cmd", "hangup", "addr", b.addr());
    return took;
  }
}
