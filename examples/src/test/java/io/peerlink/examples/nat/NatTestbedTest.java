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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The issue 7 scenarios through real NATs: scripts/nat-testbed.sh builds network namespaces with
 * iptables home routers, and peerlink CLI processes run in them. Needs root: without it the tests
 * skip with a loud reason, and under {@code CI=true} they fail.
 */
class NatTestbedTest {
  private static final String PUB = "203.0.113.0/24";
  private static final String PUB2 = "198.51.100.0/24";
  private final List<Process> processes = new ArrayList<>();
  private String prefix;
  /** B's process, once {@link #relayAndTarget} started it. */
  private Cli b;

  private static void requireRoot() throws Exception {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    id.waitFor();
    if (!"0".equals(uid)) {
      String why = "NAT testbed tests need root (ip netns, iptables); running as uid " + uid;
      System.err.println("!!!!! SKIPPED: " + why);
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + " and CI=true: the NAT tests must run in CI");
      }
      Assumptions.abort(why);
    }
  }

  private static Path script() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("scripts/nat-testbed.sh"))) {
      p = p.getParent();
    }
    assertThat(p).as("scripts/nat-testbed.sh above the working directory").isNotNull();
    return p.resolve("scripts/nat-testbed.sh");
  }

  private void testbed(String mode) throws Exception {
    requireRoot();
    prefix = "pl" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36) + "-";
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

  /** A CLI process in a namespace; stdout lines parsed as they come. */
  private final class Cli {
    final BlockingQueue<Map<String, Object>> lines = new LinkedBlockingQueue<>();
    final StringBuilder raw = new StringBuilder();
    final Process process;

    Cli(String ns, String... args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", prefix + ns,
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), PeerlinkCli.class.getName()));
      cmd.addAll(List.of(args));
      cmd.addAll(List.of("--public-cidr", PUB, "--public-cidr", PUB2));
      process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      processes.add(process);
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (raw) {
              raw.append(line).append('\n');
            }
            if (line.startsWith("{")) {
              lines.add(JsPeerJson.parseObject(line));
            }
          }
        } catch (IOException | RuntimeException e) {
          // the process ended; the test sees what arrived
        }
      }, "nat-cli");
      t.setDaemon(true);
      t.start();
    }

    /** The next line that is {@code event} (or an error line), skipping others. */
    Map<String, Object> until(String event) throws InterruptedException {
      return until(event, l -> true);
    }

    /** The next {@code event} line whose fields match {@code match} (or an error line), skipping others. */
    Map<String, Object> until(String event, Predicate<Map<String, Object>> match) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline) {
        Map<String, Object> l = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (l != null && ((event.equals(l.get("event")) && match.test(l)) || "error".equals(l.get("event")))) {
          return l;
        }
      }
      throw new AssertionError("no matching " + event + " line; output:\n" + raw);
    }
  }

  /** Relay in inet, B behind nat-b with a reservation; returns {relay multiaddr, B's peer ID}. */
  private String[] relayAndTarget() throws Exception {
    return relayAndTarget(new String[0]);
  }

  /** As {@link #relayAndTarget()}, with more options for B. */
  private String[] relayAndTarget(String... bOptions) throws Exception {
    Cli relay = new Cli("inet", "peer", "--listen", "/ip4/0.0.0.0/tcp/4001", "--serve-relay", "--relay-any-address");
    String relayId = (String) relay.until("listening").get("peerId");
    relay.until("relay-enabled");
    String relayAddr = "/ip4/203.0.113.1/tcp/4001/p2p/" + relayId;
    List<String> bArgs = new ArrayList<>(List.of("peer", "--listen", "/ip4/0.0.0.0/tcp/4001", "--relay", relayAddr));
    bArgs.addAll(List.of(bOptions));
    b = new Cli("b", bArgs.toArray(String[]::new));
    String bId = (String) b.until("listening").get("peerId");
    assertThat(b.until("reserved").get("event")).as(b.raw.toString()).isEqualTo("reserved");
    return new String[] {relayAddr, bId, String.valueOf(processes.indexOf(relay.process))};
  }

  private Map<String, Object> dialFrom(String ns, String relayAddr, String target, String... aOptions) throws Exception {
    List<String> aArgs = new ArrayList<>(List.of("dial", "--listen", "/ip4/0.0.0.0/tcp/0", "--target", target,
        "--relay", relayAddr, "--ping", "1", "--punch-timeout-ms", "20000", "--await-direct-ms", "10000"));
    aArgs.addAll(List.of(aOptions));
    Cli a = new Cli(ns, aArgs.toArray(String[]::new));
    Map<String, Object> connected = a.until("connected");
    assertThat(a.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(a.process.exitValue()).as(a.raw.toString()).isZero();
    synchronized (a.raw) {
      connected.put("_raw", a.raw.toString());
    }
    return connected;
  }

  @Test
  void bothBehindOrdinaryNatsGetTheRelayAtOnceThenThePunchWithTheRelayKept() throws Exception {
    testbed("ordinary");
    String[] rt = relayAndTarget();
    Map<String, Object> c = dialFrom("a", rt[0], rt[1]);
    String raw = (String) c.get("_raw");
    // The dial returns the first usable connection; the punch joins it in the background.
    assertThat(c.get("path")).as(raw).isEqualTo("relayed");
    assertThat(raw).contains("\"event\":\"upgraded\",").contains("\"path\":\"holepunched\"")
        .contains("\"relayedKept\":true").contains("\"event\":\"ping\"");
  }

  /**
   * After a punch between two home NATs, nat-a resets the punched connection (as a router that
   * lost its mapping and answers with resets does) while a steady stream of echo round trips runs
   * through A's handle: new streams move to the kept relayed connection, and B, the side that
   * punched, punches again.
   */
  @Test
  void resettingThePunchedConnectionMovesStreamsToTheRelayAndTheReconnectorPunchesAgain() throws Exception {
    // Keep-alive every second: B notices the reset connection on its next ping, not in 30 s.
    killPunchedConnection("REJECT --reject-with tcp-reset", "--keep-alive-ms", "1000");
  }

  /**
   * As above, but nat-a silently drops the punched connection's packets, with the default
   * keep-alive (30 s, 10 s): the liveness probes each handle sends on its punched connection while
   * the relayed one is kept should move A's new streams to the relay within about 2 s. When the
   * rules go, the punched connection (still open) answers again and takes new streams back, or,
   * if it was closed meanwhile, B punches again.
   */
  @Test
  void droppingThePunchedConnectionMovesStreamsToTheRelayWithinTwoSecondsWithDefaultKeepAlive() throws Exception {
    killPunchedConnection("DROP");
  }

  /**
   * Punches between A and B, then has nat-a answer the punched connection's packets with
   * {@code target} (an iptables target) until A has moved to the relayed connection, while A runs
   * round trips through its handle; checks that new streams move and that A's streams return to a
   * punched connection (B punches again, or the old one, still open, answers again), and prints
   * how long each took.
   */
  private void killPunchedConnection(String target, String... keepAlive) throws Exception {
    testbed("ordinary");
    String[] rt = relayAndTarget(keepAlive);
    List<String> aArgs = new ArrayList<>(List.of("dial", "--listen", "/ip4/0.0.0.0/tcp/0", "--target", rt[1],
        "--relay", rt[0], "--punch-timeout-ms", "20000", "--hold-ms", "80000", "--stream-every-ms", "100"));
    aArgs.addAll(List.of(keepAlive));
    Cli a = new Cli("a", aArgs.toArray(String[]::new));
    Predicate<Map<String, Object>> toB = l -> rt[1].equals(l.get("peerId"));
    Map<String, Object> punched = a.until("path-changed", toB.and(l -> "holepunched".equals(l.get("to"))));
    assertThat(punched.get("event")).as(a.raw.toString()).isEqualTo("path-changed");
    // B's handle of A: the peer ID is A's, which A does not print.
    String aId = (String) b.until("path-changed", l -> "holepunched".equals(l.get("to"))).get("peerId");
    Predicate<Map<String, Object>> toA = l -> aId.equals(l.get("peerId"));
    a.until("stream", l -> Boolean.TRUE.equals(l.get("ok")) && "holepunched".equals(l.get("path")));

    String[] kill = rules((String) punched.get("localAddr"), (String) punched.get("remoteAddr"), target);
    long killedAt = System.nanoTime();
    iptables("-I", kill[0]);
    iptables("-I", kill[1]);
    Predicate<Map<String, Object>> leaves = l -> "path-lost".equals(l.get("reason"))
        || "path-unresponsive".equals(l.get("reason"));
    Map<String, Object> lost = a.until("path-changed", toB.and(leaves));
    assertThat(lost.get("to")).as(a.raw.toString()).isEqualTo("relayed");
    // Keep-alive alone took up to its interval + timeout (40 s by default) on a dropping path.
    assertThat((nanos(lost) - killedAt) / 1_000_000).as(a.raw.toString()).isLessThan(3_000);
    Map<String, Object> usable = a.until("stream", l -> Boolean.TRUE.equals(l.get("ok")));
    assertThat(usable.get("path")).as(a.raw.toString()).isEqualTo("relayed");
    // The outage ends; B's next packet on the old connection reaches A's host, which has closed
    // it, and B learns so (a reset, or A's retransmitted close), if B's keep-alive has not already.
    iptables("-D", kill[0]);
    iptables("-D", kill[1]);
    long rulesOut = System.nanoTime();
    Map<String, Object> bLost = b.until("path-changed", toA.and(leaves));

    Map<String, Object> back = a.until("path-changed", toB.and(l -> "holepunched".equals(l.get("to"))));
    assertThat(back.get("event")).as(a.raw.toString()).isEqualTo("path-changed");
    boolean recovered = "path-recovered".equals(back.get("reason"));
    if (!recovered) {
      Map<String, Object> again = b.until("reconnect", toA.and(l -> "succeeded".equals(l.get("kind"))));
      assertThat(again.get("stage")).as(b.raw.toString()).isEqualTo("holepunch");
    }
    a.until("stream", l -> Boolean.TRUE.equals(l.get("ok")) && "holepunched".equals(l.get("path")));
    System.out.printf("punched connection killed (" + target + "): A moved to the relay (" + lost.get("reason")
            + ") after %.0f ms and had a usable stream there after %.0f ms; B noticed (" + bLost.get("reason")
            + ") after %.0f ms; rules out after %.0f ms; back on a punched connection (" + back.get("reason")
            + ") after %.0f ms%n",
        (nanos(lost) - killedAt) / 1e6, (nanos(usable) - killedAt) / 1e6, (nanos(bLost) - killedAt) / 1e6,
        (rulesOut - killedAt) / 1e6, (nanos(back) - killedAt) / 1e6);
  }

  private static long nanos(Map<String, Object> line) {
    return ((Number) line.get("nanos")).longValue();
  }

  /**
   * nat-a's FORWARD rules that send every packet of the connection between {@code local} (A's
   * side, a LAN address) and {@code remote} (B's public mapping) to {@code target}, both ways.
   */
  private static String[] rules(String local, String remote, String target) {
    String[] l = local.split("/");
    String[] r = remote.split("/");
    String out = "FORWARD -i lan -p tcp -s %s --sport %s -d %s --dport %s -j %s"
        .formatted(l[2], l[4], r[2], r[4], target);
    String in = "FORWARD -i wan -p tcp -s %s --sport %s -d %s --dport %s -j %s"
        .formatted(r[2], r[4], l[2], l[4], target);
    return new String[] {out, in};
  }

  private void iptables(String op, String rule) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", prefix + "nata", "iptables", op));
    cmd.addAll(List.of(rule.split(" ")));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("iptables %s %s: %s", op, rule, out).isZero();
  }

  /** B's options to listen on QUIC beside TCP, at the same port number. */
  private static final String[] B_QUIC = {"--listen", "/ip4/0.0.0.0/udp/4001/quic-v1"};
  /** A's option to listen on QUIC beside TCP. */
  private static final String[] A_QUIC = {"--listen", "/ip4/0.0.0.0/udp/0/quic-v1"};

  private static String[] with(String[] options, String... more) {
    List<String> all = new ArrayList<>(List.of(options));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** The dialing CLI's {@code upgraded} line: the direct connection that joined the relayed one, or "none". */
  private static Map<String, Object> upgraded(Map<String, Object> connected) {
    String raw = (String) connected.get("_raw");
    return raw.lines().filter(l -> l.startsWith("{") && l.contains("\"event\":\"upgraded\""))
        .map(JsPeerJson::parseObject).findFirst()
        .orElseThrow(() -> new AssertionError("no upgraded line:\n" + raw));
  }

  @Test
  void bothBehindHomeNatsPunchOverQuic() throws Exception {
    testbed("ordinary");
    String[] rt = relayAndTarget(with(B_QUIC, "--punch-over", "quic"));
    Map<String, Object> c = dialFrom("a", rt[0], rt[1], with(A_QUIC, "--punch-over", "quic"));
    assertThat(c.get("path")).as((String) c.get("_raw")).isEqualTo("relayed");
    Map<String, Object> up = upgraded(c);
    assertThat(up.get("path")).as((String) c.get("_raw")).isEqualTo("holepunched");
    assertThat(up.get("transport")).as((String) c.get("_raw")).isEqualTo("quic-v1");
    assertThat((String) c.get("_raw")).contains("\"event\":\"ping\"");
  }

  /**
   * Routers that answer an unsolicited SYN with a RST: the first SYN of a simultaneous open to
   * reach the other side's router is reset, which ends its sender's attempt, so the TCP punch fails.
   */
  @Test
  void aRouterThatResetsUnsolicitedSynsDefeatsTheTcpPunch() throws Exception {
    testbed("rst");
    String[] rt = relayAndTarget(with(B_QUIC, "--punch-over", "tcp"));
    Map<String, Object> c = dialFrom("a", rt[0], rt[1], with(A_QUIC, "--punch-over", "tcp"));
    assertThat(c.get("path")).as((String) c.get("_raw")).isEqualTo("relayed");
    assertThat(upgraded(c).get("path")).as((String) c.get("_raw")).isEqualTo("none");
    // B, who initiates, saw its SYN answered with the router's RST.
    Map<String, Object> failed = b.until("holepunch", l -> "attempt_failed".equals(l.get("kind")));
    assertThat((String) failed.get("error")).as(b.raw.toString()).contains("Connection refused");
  }

  /** The control: with the same options, routers that drop unsolicited SYNs let the TCP punch through. */
  @Test
  void withTheSameOptionsARouterThatDropsUnsolicitedSynsLetsTheTcpPunchThrough() throws Exception {
    testbed("ordinary");
    String[] rt = relayAndTarget(with(B_QUIC, "--punch-over", "tcp"));
    Map<String, Object> c = dialFrom("a", rt[0], rt[1], with(A_QUIC, "--punch-over", "tcp"));
    Map<String, Object> up = upgraded(c);
    assertThat(up.get("path")).as((String) c.get("_raw")).isEqualTo("holepunched");
    assertThat(up.get("transport")).as((String) c.get("_raw")).isEqualTo("tcp");
  }

  /** The same routers let the QUIC punch through: UDP gets no reset, and the punch punches both at once. */
  @Test
  void aRouterThatResetsUnsolicitedSynsLetsTheQuicPunchWin() throws Exception {
    testbed("rst");
    String[] rt = relayAndTarget(B_QUIC);
    Map<String, Object> c = dialFrom("a", rt[0], rt[1], A_QUIC);
    assertThat(c.get("path")).as((String) c.get("_raw")).isEqualTo("relayed");
    Map<String, Object> up = upgraded(c);
    assertThat(up.get("path")).as((String) c.get("_raw")).isEqualTo("holepunched");
    assertThat(up.get("transport")).as((String) c.get("_raw")).isEqualTo("quic-v1");
  }

  @Test
  void aSymmetricNatFallsBackToTheRelayAtOnceWithQuicAddressesToo() throws Exception {
    testbed("symmetric");
    String[] rt = relayAndTarget(B_QUIC);
    Map<String, Object> c = dialFrom("a", rt[0], rt[1], A_QUIC);
    String raw = (String) c.get("_raw");
    assertThat(c.get("path")).as(raw).isEqualTo("relayed");
    assertThat(raw).contains("\"stage\":\"holepunch\",\"outcome\":\"running\"").contains("\"event\":\"ping\"");
    assertThat(upgraded(c).get("path")).as(raw).isEqualTo("none");
  }

  @Test
  void aSymmetricNatFallsBackToTheRelay() throws Exception {
    testbed("symmetric");
    String[] rt = relayAndTarget();
    Map<String, Object> c = dialFrom("a", rt[0], rt[1]);
    String raw = (String) c.get("_raw");
    assertThat(c.get("path")).as(raw).isEqualTo("relayed");
    // Returned while the punch was still being tried: no waiting for its three rounds.
    assertThat(raw).contains("\"stage\":\"holepunch\",\"outcome\":\"running\"").contains("\"event\":\"ping\"");
  }

  @Test
  void aPublicDialerIsReachedDirectlyWithoutAPunch() throws Exception {
    testbed("ordinary");
    String[] rt = relayAndTarget();
    Map<String, Object> c = dialFrom("inet", rt[0], rt[1]); // the inet namespace is public
    String raw = (String) c.get("_raw");
    // B dials the public dialer back (a reversal) once the relayed connection is up.
    assertThat(c.get("path")).as(raw).isEqualTo("relayed");
    assertThat(raw).contains("\"event\":\"upgraded\",").contains("\"path\":\"direct\"");
  }

  @Test
  void aNattedPeerKnownOnlyByItsIdIsFoundThroughTheDhtAndReachedByAPunch() throws Exception {
    testbed("ordinary");
    // The public namespace holds a DHT bootstrap node and, apart, a relay that joins through it
    // and announces itself under the relay rendezvous key.
    Cli boot = new Cli("inet", "peer", "--listen", "/ip4/0.0.0.0/tcp/4002", "--dht", "--dht-mode", "SERVER");
    String bootAddr = "/ip4/203.0.113.1/tcp/4002/p2p/" + boot.until("listening").get("peerId");
    boot.until("dht-joined");
    Cli relay = new Cli("inet", "peer", "--listen", "/ip4/0.0.0.0/tcp/4001", "--serve-relay", "--relay-any-address",
        "--dht-mode", "SERVER", "--bootstrap", bootAddr);
    String relayId = (String) relay.until("listening").get("peerId");
    assertThat(relay.until("dht-joined").get("event")).as(relay.raw.toString()).isEqualTo("dht-joined");
    // B, behind its NAT, is given the bootstrap node only: AutoRelay finds the relay through the DHT.
    Cli b = new Cli("b", "peer", "--listen", "/ip4/0.0.0.0/tcp/4001", "--autorelay", "--min-relays", "1",
        "--bootstrap", bootAddr);
    String bId = (String) b.until("listening").get("peerId");
    Map<String, Object> reserved = b.until("reserved");
    assertThat(reserved.get("event")).as(b.raw.toString()).isEqualTo("reserved");
    assertThat(reserved.get("relay")).as(b.raw.toString()).isEqualTo(relayId);

    // A, behind the other NAT, knows B's peer ID and the bootstrap node, nothing else.
    Cli a = new Cli("a", "dial", "--listen", "/ip4/0.0.0.0/tcp/0", "--target", bId, "--bootstrap", bootAddr,
        "--ping", "1", "--punch-timeout-ms", "20000", "--await-direct-ms", "10000");
    Map<String, Object> connected = a.until("connected");
    assertThat(a.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String raw;
    synchronized (a.raw) {
      raw = a.raw.toString();
    }
    assertThat(a.process.exitValue()).as(raw).isZero();
    assertThat(connected.get("path")).as(raw).isEqualTo("relayed");
    assertThat((String) connected.get("remoteAddr")).as(raw).contains(relayId).contains("/p2p-circuit");
    assertThat(raw).contains("\"event\":\"upgraded\",").contains("\"path\":\"holepunched\"")
        .contains("\"event\":\"ping\"");
  }

  @Test
  void withTheRelayGoneTheErrorNamesEveryStage() throws Exception {
    testbed("ordinary");
    String[] rt = relayAndTarget();
    Process relay = processes.get(Integer.parseInt(rt[2]));
    relay.destroy();
    assertThat(relay.waitFor(20, TimeUnit.SECONDS)).isTrue();
    Cli a = new Cli("a", "dial", "--listen", "/ip4/0.0.0.0/tcp/0", "--target", rt[1], "--relay", rt[0]);
    Map<String, Object> err = a.until("error");
    assertThat(err.get("event")).as(a.raw.toString()).isEqualTo("error");
    assertThat((String) err.get("message")).contains("direct skipped").contains("holepunch failed").contains("relay failed");
    assertThat(a.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(a.process.exitValue()).isEqualTo(1);
  }
}
