package io.peerlink.examples.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.examples.cli.PeerlinkCli;
import io.peerlink.testing.JsPeerJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The figures of docs/nat-traversal.md: each NAT testbed scenario run {@code -Dpeerlink.bench.rounds}
 * times (default 20), every round a fresh dialing CLI process (a fresh identity, so a fresh punch)
 * against one relay and one B per scenario. Reports, per scenario, how often each path won and the
 * time from the start of {@code dialWithPriority} to the first usable connection (the CLI's
 * {@code connected} line), median and p90, and where a punch goes on in the background, the time
 * until the direct connection joined (the {@code upgraded} line), as {@code [bench]} lines and in
 * {@code target/nat-benchmark.txt}. Needs root. Not part of the normal run (the name does not end
 * in Test):
 *
 * <pre>
 * sudo mvn -q -o -pl peer-core,relay-core,relay-server,examples test -Dtest=NatTestbedBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dpeerlink.bench.rounds=20]
 * </pre>
 */
class NatTestbedBenchmark {
  private static final int ROUNDS = Integer.getInteger("peerlink.bench.rounds", 20);
  private final List<Process> processes = new ArrayList<>();
  private String prefix;

  private static void requireRoot() throws Exception {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    id.waitFor();
    Assumptions.assumeTrue("0".equals(uid), "the NAT testbed benchmark needs root; uid " + uid);
  }

  private static Path script() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("scripts/nat-testbed.sh"))) {
      p = p.getParent();
    }
    assertThat(p).isNotNull();
    return p.resolve("scripts/nat-testbed.sh");
  }

  private void testbed(String mode) throws Exception {
    requireRoot();
    prefix = "pb" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36) + "-";
    Process up = new ProcessBuilder("bash", script().toString(), "up", prefix, mode).redirectErrorStream(true).start();
    String out = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(up.waitFor()).as("nat-testbed.sh up: %s", out).isZero();
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      for (Process p : processes) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (prefix != null) {
        new ProcessBuilder("bash", script().toString(), "down", prefix).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  private final class Cli {
    final BlockingQueue<Map<String, Object>> lines = new LinkedBlockingQueue<>();
    final List<Map<String, Object>> all = Collections.synchronizedList(new ArrayList<>());
    final StringBuilder raw = new StringBuilder();
    final Process process;

    Cli(String ns, String... args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", prefix + ns,
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), PeerlinkCli.class.getName()));
      cmd.addAll(List.of(args));
      cmd.addAll(List.of("--public-cidr", "203.0.113.0/24", "--public-cidr", "198.51.100.0/24"));
      process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      processes.add(process);
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (raw) {
              raw.append(line).append('\n');
            }
            if (line.startsWith("{")) {
              Map<String, Object> m = JsPeerJson.parseObject(line);
              all.add(m);
              lines.add(m);
            }
          }
        } catch (IOException | RuntimeException e) {
          // the process ended
        }
      }, "nat-bench-cli");
      t.setDaemon(true);
      t.start();
    }

    Map<String, Object> until(String event) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline) {
        Map<String, Object> l = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (l != null && (event.equals(l.get("event")) || "error".equals(l.get("event")))) {
          return l;
        }
      }
      throw new AssertionError("no " + event + " line; output:\n" + raw);
    }
  }

  /** The current scenario's B, whose events are printed beside a failed round's. */
  private Cli bPeer;

  private String[] relayAndTarget(String... bArgs) throws Exception {
    Cli relay = new Cli("inet", "peer", "--listen", "/ip4/0.0.0.0/tcp/4001", "--serve-relay", "--relay-any-address");
    String relayId = (String) relay.until("listening").get("peerId");
    relay.until("relay-enabled");
    String relayAddr = "/ip4/203.0.113.1/tcp/4001/p2p/" + relayId;
    List<String> args = new ArrayList<>(List.of("peer", "--listen", "/ip4/0.0.0.0/tcp/4001", "--relay", relayAddr));
    args.addAll(List.of(bArgs));
    Cli b = new Cli("b", args.toArray(String[]::new));
    bPeer = b;
    String bId = (String) b.until("listening").get("peerId");
    assertThat(b.until("reserved").get("event")).as(b.raw.toString()).isEqualTo("reserved");
    return new String[] {relayAddr, bId, String.valueOf(processes.indexOf(relay.process))};
  }

  /**
   * One round: the first path ("error" if the dial failed) and the time to it in ms; then the
   * path that joined it in the background ("none" if none did, null if not awaited) and when.
   */
  private record Round(String path, double ms, double relayMs, String upgradedPath, double upgradedMs) {}

  /** A direct address of B's that answers nothing: no host holds it on the relay's segment. */
  private static final String BLACKHOLE = "/ip4/203.0.113.99/tcp/4001/p2p/";

  private Round dial(String ns, String relayAddr, String target, boolean blackholeFirst, String... aOptions)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("dial", "--listen", "/ip4/0.0.0.0/tcp/0", "--target",
        blackholeFirst ? BLACKHOLE + target : target, "--relay", relayAddr, "--punch-timeout-ms", "20000",
        "--await-direct-ms", "5000"));
    args.addAll(List.of(aOptions));
    Cli a = new Cli(ns, args.toArray(String[]::new));
    Map<String, Object> end = a.until("connected");
    assertThat(a.process.waitFor(60, TimeUnit.SECONDS)).as(a.raw.toString()).isTrue();
    processes.remove(a.process);
    String path;
    double ms;
    if ("error".equals(end.get("event"))) {
      path = "error";
      ms = Double.NaN;
    } else {
      path = (String) end.get("path");
      ms = ((Number) end.get("ms")).doubleValue();
    }
    String upPath = null;
    double upMs = Double.NaN;
    double relayMs = Double.NaN;
    synchronized (a.all) {
      for (Map<String, Object> l : a.all) {
        if ("dial-stage".equals(l.get("event")) && "relay".equals(l.get("stage")) && "ok".equals(l.get("outcome"))) {
          relayMs = ((Number) l.get("ms")).doubleValue();
        }
        if ("upgraded".equals(l.get("event"))) {
          upPath = (String) l.get("path");
          if ("none".equals(upPath)) {
            continue;
          }
          upMs = ((Number) l.get("ms")).doubleValue();
          if (l.get("transport") != null) {
            upPath += "/" + l.get("transport"); // which punch won: TCP or QUIC
          }
          if (Boolean.FALSE.equals(l.get("relayedKept"))) {
            upPath += "-relay-lost";
          }
        }
      }
    }
    if ("error".equals(path) || (upPath != null && upPath.endsWith("-relay-lost"))) {
      synchronized (a.raw) {
        System.out.println("[bench] output of that round:\n" + a.raw);
      }
      if (bPeer != null) {
        synchronized (bPeer.raw) {
          System.out.println("[bench] B's output so far:\n" + bPeer.raw);
        }
      }
    }
    return new Round(path, ms, relayMs, upPath, upMs);
  }

  private void run(String scenario, String mode, String fromNs, boolean killRelay) throws Exception {
    run(scenario, mode, fromNs, killRelay, false);
  }

  private void run(String scenario, String mode, String fromNs, boolean killRelay, boolean blackholeFirst,
      String... bArgs) throws Exception {
    runWith(scenario, mode, fromNs, killRelay, blackholeFirst, new String[0], bArgs);
  }

  /** As {@link #run}, with options for every dialing CLI ({@code aArgs}) as well as for B. */
  private void runWith(String scenario, String mode, String fromNs, boolean killRelay, boolean blackholeFirst,
      String[] aArgs, String... bArgs) throws Exception {
    testbed(mode);
    String[] rt = relayAndTarget(bArgs);
    if (killRelay) {
      Process relay = processes.get(Integer.parseInt(rt[2]));
      relay.destroy();
      assertThat(relay.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    List<Round> rounds = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      Round r = dial(fromNs, rt[0], rt[1], blackholeFirst, aArgs);
      rounds.add(r);
      System.out.printf(Locale.ROOT, "[bench] %s round %d: %s in %.0f ms (relay stage %.0f ms); then %s at %.0f ms%n",
          scenario, i + 1, r.path(), r.ms(), r.relayMs(), r.upgradedPath(), r.upgradedMs());
    }
    if (bPeer != null) {
      // B's connection to the relay holds its reservation: it should last through every round.
      String relayId = rt[0].substring(rt[0].lastIndexOf('/') + 1);
      List<String> closes = new ArrayList<>();
      synchronized (bPeer.all) {
        for (Map<String, Object> l : bPeer.all) {
          if ("disconnection".equals(l.get("event")) && relayId.equals(l.get("peerId"))) {
            closes.add(String.valueOf(l.get("error")));
          }
        }
      }
      System.out.printf(Locale.ROOT, "[bench] %s: B's relay connection closed %d times during the rounds%s%n",
          scenario, closes.size(), closes.isEmpty() ? "" : ": " + closes);
      if (!closes.isEmpty()) {
        synchronized (bPeer.raw) {
          bPeer.raw.toString().lines()
              .filter(l -> l.contains("relay-state") || l.contains("relay-probe-failed") || l.contains("\"limit\"")
                  || (l.contains(relayId) && (l.contains("disconnection") || l.contains("\"connection\""))))
              .forEach(l -> System.out.println("[bench]   B: " + l));
        }
      }
    }
    report(scenario, rounds);
  }

  private static void report(String scenario, List<Round> rounds) throws IOException {
    Map<String, Long> paths = new TreeMap<>();
    rounds.forEach(r -> paths.merge(r.path(), 1L, Long::sum));
    List<Double> ms = rounds.stream().map(Round::ms).filter(x -> !x.isNaN()).sorted().toList();
    String line = ms.isEmpty()
        ? String.format(Locale.ROOT, "[bench] %s: %d rounds, paths %s", scenario, rounds.size(), paths)
        : String.format(Locale.ROOT, "[bench] %s: %d rounds, paths %s, time to first connection median %.0f ms, p90 %.0f ms, max %.0f ms",
            scenario, rounds.size(), paths, pct(ms, 50), pct(ms, 90), ms.get(ms.size() - 1));
    // The yardstick: how much later than the relay stage's own dial the caller got a connection.
    List<Double> overRelay = rounds.stream().filter(r -> !Double.isNaN(r.ms()) && !Double.isNaN(r.relayMs()))
        .map(r -> r.ms() - r.relayMs()).sorted().toList();
    if (!overRelay.isEmpty()) {
      line += String.format(Locale.ROOT, " (time to first connection minus the relay stage's own time, %d rounds: median %.0f ms, max %.0f ms)",
          overRelay.size(), pct(overRelay, 50), overRelay.get(overRelay.size() - 1));
    }
    Map<String, Long> upgraded = new TreeMap<>();
    rounds.stream().filter(r -> r.upgradedPath() != null).forEach(r -> upgraded.merge(r.upgradedPath(), 1L, Long::sum));
    List<Double> up = rounds.stream().map(Round::upgradedMs).filter(x -> !x.isNaN()).sorted().toList();
    if (!upgraded.isEmpty()) {
      line += String.format(Locale.ROOT, "; then in the background %s", upgraded);
    }
    if (!up.isEmpty()) {
      line += String.format(Locale.ROOT, ", direct joined at median %.0f ms, p90 %.0f ms, max %.0f ms",
          pct(up, 50), pct(up, 90), up.get(up.size() - 1));
    }
    System.out.println(line);
    Path out = Path.of("target", "nat-benchmark.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, line + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Nearest-rank percentile. */
  static double pct(List<Double> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  @Test
  void ordinaryNats() throws Exception {
    run("1 both behind ordinary NATs", "ordinary", "a", false);
  }

  @Test
  void symmetricNat() throws Exception {
    run("2 B behind a random-fully NAT", "symmetric", "a", false);
  }

  @Test
  void publicDialer() throws Exception {
    run("3 dialer public", "ordinary", "inet", false);
  }

  @Test
  void relayGone() throws Exception {
    run("4 relay gone", "ordinary", "a", true);
  }

  @Test
  void remoteNeverPunches() throws Exception {
    run("5 B never starts a punch", "ordinary", "a", false, false, "--no-holepunch");
  }

  @Test
  void blackholedDirectAddressAheadOfTheRelay() throws Exception {
    run("6 a blackholed direct address ahead of the relay", "ordinary", "a", false, true);
  }

  @Test
  void quicPunchBetweenOrdinaryNats() throws Exception {
    runWith("7 both behind ordinary NATs, QUIC punch only", "ordinary", "a", false, false,
        new String[] {"--listen", "/ip4/0.0.0.0/udp/0/quic-v1", "--punch-over", "quic"},
        "--listen", "/ip4/0.0.0.0/udp/4001/quic-v1", "--punch-over", "quic");
  }

  @Test
  void routersThatResetUnsolicitedSyns() throws Exception {
    runWith("8 both behind routers that reset unsolicited SYNs, TCP and QUIC punch", "rst", "a", false, false,
        new String[] {"--listen", "/ip4/0.0.0.0/udp/0/quic-v1"}, "--listen", "/ip4/0.0.0.0/udp/4001/quic-v1");
  }
}
