package io.peerlink.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.testing.JsPeer;
import io.peerlink.testing.JsPeerJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tool as a user runs it: separate JVM processes printing JSON lines. */
class PeerlinkCliTest {
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killAll() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** A running tool process whose stdout lines are parsed as they come. */
  private final class Cli {
    final Process process;
    final BlockingQueue<Map<String, Object>> lines = new LinkedBlockingQueue<>();
    final StringBuilder raw = new StringBuilder();
    final StringBuilder err = new StringBuilder();
    final Thread errReader;

    Cli(String... args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"),
          PeerlinkCli.class.getName()));
      cmd.addAll(List.of(args));
      process = new ProcessBuilder(cmd).start();
      processes.add(process);
      errReader = new Thread(() -> {
        try {
          String text = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
          synchronized (err) {
            err.append(text);
          }
        } catch (IOException e) {
          // Process ended; the test sees what arrived.
        }
      }, "cli-stderr");
      errReader.setDaemon(true);
      errReader.start();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            synchronized (raw) {
              raw.append(line).append('\n');
            }
            if (line.startsWith("{")) {
              lines.add(JsPeerJson.parseObject(line));
            }
          }
        } catch (IOException | RuntimeException e) {
          // Process ended; the test sees what arrived.
        }
      }, "cli-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    Map<String, Object> next(String event) throws InterruptedException {
      Map<String, Object> line = lines.poll(60, TimeUnit.SECONDS);
      assertThat(line).as("a %s line; output so far:%n%s", event, raw).isNotNull();
      assertThat(line.get("event")).as("output so far:%n%s", raw).isEqualTo(event);
      return line;
    }

    /** The next line that is {@code event}, skipping others (relay state lines come and go). */
    Map<String, Object> skipTo(String event) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        Map<String, Object> line = lines.poll(1, TimeUnit.SECONDS);
        if (line != null && event.equals(line.get("event"))) {
          return line;
        }
      }
      throw new AssertionError("no " + event + " line; output so far:\n" + raw);
    }

    /** Everything the process wrote on stderr; waits for it to exit. */
    String stderr() throws InterruptedException {
      exitCode();
      errReader.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(errReader.isAlive()).as("stderr closed").isFalse();
      synchronized (err) {
        return err.toString();
      }
    }

    String stdoutText() {
      synchronized (raw) {
        return raw.toString();
      }
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited; output:%n%s", raw).isTrue();
      return process.exitValue();
    }
  }

  @Test
  void peerAndDialTalkOverTheNetwork(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("peer.pem");
    Cli peer = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--identity", key.toString());
    Map<String, Object> listening = peer.next("listening");
    String peerId = (String) listening.get("peerId");
    assertThat(peerId).startsWith("12D3KooW");
    assertThat(Identity.fromPem(key).peerId().toString()).as("identity saved on first start").isEqualTo(peerId);
    String addr = JsPeer.strings(listening.get("addrs")).get(0);
    assertThat(addr).startsWith("/ip4/127.0.0.1/tcp/").endsWith("/p2p/" + peerId);

    Cli dial = new Cli("dial", "--target", addr, "--ping", "2", "--echo", "65536");
    Map<String, Object> connected = dial.skipTo("connected");
    assertThat(connected.get("peerId")).isEqualTo(peerId);
    assertThat(connected.get("path")).isEqualTo("direct");
    assertThat(((Number) connected.get("ms")).doubleValue()).isPositive();
    assertThat(((Number) dial.next("ping").get("rttMs")).doubleValue()).isPositive();
    assertThat(((Number) dial.next("ping").get("rttMs")).doubleValue()).isPositive();
    Map<String, Object> echo = dial.next("echo");
    assertThat(((Number) echo.get("bytes")).intValue()).isEqualTo(65536);
    assertThat(dial.exitCode()).isZero();
    // BouncyCastle's java.util.logging goes through slf4j, and slf4j has its provider: a TLS dial
    // prints neither JUL's two-line warnings nor slf4j's "no providers" notice.
    assertThat(dial.stderr()).doesNotContain("SLF4J").doesNotContain("WARNING:").doesNotContain("org.bouncycastle");

    Map<String, Object> inbound = peer.next("connection");
    assertThat(inbound.get("direction")).isEqualTo("inbound");
  }

  /** perf's last line: the dashboard's "final" line, after any "intermediary" ones. */
  private static Map<String, Object> finalPerfLine(Cli perf) throws InterruptedException {
    assertThat(perf.exitCode()).as("perf exits 0; output:%n%s", perf.raw).isZero();
    Map<String, Object> last = null;
    for (Map<String, Object> line; (line = perf.lines.poll(5, TimeUnit.SECONDS)) != null; ) {
      assertThat(line.get("type")).as("output:%n%s", perf.raw).isIn("intermediary", "final");
      last = line;
    }
    assertThat(last).as("output:%n%s", perf.raw).isNotNull();
    assertThat(last.get("type")).isEqualTo("final");
    assertThat(((Number) last.get("timeSeconds")).doubleValue()).isPositive();
    return last;
  }

  @Test
  void perfAgainstACliPeerMovesTheBytesAskedFor() throws Exception {
    Cli peer = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0");
    String addr = JsPeer.strings(peer.next("listening").get("addrs")).get(0);
    Cli perf = new Cli("perf", "--target", addr, "--upload", String.valueOf(16 << 20), "--download", String.valueOf(12 << 20));
    Map<String, Object> last = finalPerfLine(perf);
    assertThat(((Number) last.get("uploadBytes")).longValue()).isEqualTo(16 << 20);
    assertThat(((Number) last.get("downloadBytes")).longValue()).isEqualTo(12 << 20);
  }

  @Test
  void perfAgainstAJsPeer() throws Exception {
    try (JsPeer js = JsPeer.start("--security", "noise")) {
      Cli perf = new Cli("perf", "--target", js.addr(), "--upload", String.valueOf(16 << 20), "--download", String.valueOf(16 << 20));
      Map<String, Object> last = finalPerfLine(perf);
      assertThat(((Number) last.get("uploadBytes")).longValue()).isEqualTo(16 << 20);
      assertThat(((Number) last.get("downloadBytes")).longValue()).isEqualTo(16 << 20);
      Map<String, Object> served = js.awaitEvent("perf-served", Duration.ofSeconds(30));
      assertThat(((Number) served.get("uploadBytes")).longValue()).isEqualTo(16 << 20);
    }
  }

  @Test
  void theIdentityFileKeepsThePeerIdAcrossRestarts(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("peer.pem");
    Cli first = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--identity", key.toString());
    String id = (String) first.next("listening").get("peerId");
    first.process.destroy();
    assertThat(Files.exists(key)).isTrue();
    Cli second = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--identity", key.toString());
    assertThat(second.next("listening").get("peerId")).isEqualTo(id);
  }

  @Test
  void aWrongPeerIdIsATlsErrorAndExitsNonZero() throws Exception {
    Cli peer = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0");
    String addr = JsPeer.strings(peer.next("listening").get("addrs")).get(0);
    String wrong = Multiaddr.parse(addr).withoutPeerId().withPeerId(Identity.generate().peerId()).toString();
    Cli dial = new Cli("dial", "--target", wrong);
    Map<String, Object> error = dial.next("error");
    assertThat(error.get("kind")).isEqualTo("tls");
    assertThat(dial.exitCode()).isEqualTo(1);
  }

  @Test
  void aClosedPortIsAConnectError() throws Exception {
    String addr;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      addr = "/ip4/127.0.0.1/tcp/" + s.getLocalPort() + "/p2p/" + Identity.generate().peerId();
    }
    Cli dial = new Cli("dial", "--target", addr);
    assertThat(dial.next("error").get("kind")).isEqualTo("connect");
    assertThat(dial.exitCode()).isEqualTo(1);
  }

  @Test
  void aRandomBytesIdentityFileIsAUsageErrorNamingTheFile(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("peer.pem");
    byte[] random = new byte[64];
    new Random(7).nextBytes(random);
    random[0] = (byte) 0x9c; // not text whatever the seed gives
    Files.write(key, random);
    Cli peer = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--identity", key.toString());
    Map<String, Object> error = peer.next("error");
    assertThat(error.get("kind")).isEqualTo("usage");
    assertThat((String) error.get("message")).contains(key.toString()).contains("binary content")
        .contains("BEGIN PRIVATE KEY").doesNotContain("Input length");
    assertThat(peer.exitCode()).isEqualTo(2);
  }

  @Test
  void aUsageMistakeSaysWhatIsWrongAndExitsTwo() throws Exception {
    Cli dial = new Cli("dial");
    Map<String, Object> error = dial.next("error");
    assertThat(error.get("kind")).isEqualTo("usage");
    assertThat((String) error.get("message")).contains("--target");
    assertThat(dial.exitCode()).isEqualTo(2);
  }

  @Test
  void theDemoReachesAPeerOnlyThroughTheRelayReportingEachStage() throws Exception {
    Cli demo = new Cli("demo");
    List<String> steps = new ArrayList<>();
    List<Map<String, Object>> lines = new ArrayList<>();
    Map<String, Object> line;
    do {
      line = demo.next("demo");
      steps.add((String) line.get("step"));
      lines.add(line);
    } while (!"done".equals(line.get("step")));
    assertThat(steps).containsSubsequence("identities", "relay", "reserved", "dial", "dial-stage", "connected",
        "ping", "echo", "done");
    List<String> stages = lines.stream().filter(l -> "dial-stage".equals(l.get("step")))
        .map(l -> l.get("stage") + " " + l.get("outcome")).toList();
    // The dial returns the relayed connection at once; whether a punch can work is found out
    // behind it, so the hole punch stage is still running when the report is made.
    assertThat(stages).containsExactly("direct skipped", "relay ok", "holepunch running");
    Map<String, Object> connected = lines.stream().filter(l -> "connected".equals(l.get("step"))).findFirst().orElseThrow();
    assertThat(connected.get("path")).isEqualTo("relayed");
    assertThat((String) connected.get("remoteAddr")).endsWith("/p2p-circuit");
    assertThat(demo.exitCode()).isZero();
  }

  @Test
  void anUnknownFlagIsAUsageErrorNamingItAndExitsTwo() throws Exception {
    Cli dial = new Cli("dial", "--target", "/ip4/127.0.0.1/tcp/1/p2p/" + Identity.generate().peerId(), "--pnig", "3");
    Map<String, Object> error = dial.next("error");
    assertThat(error.get("kind")).isEqualTo("usage");
    assertThat((String) error.get("message")).contains("--pnig");
    assertThat(dial.exitCode()).isEqualTo(2);
    assertThat(dial.stderr()).contains("peerlink dial: ").contains("peerlink dial --help");
  }

  @Test
  void everyCommandHasItsOwnHelp() throws Exception {
    for (String command : List.of("peer", "dial", "demo")) {
      Cli help = new Cli(command, "--help");
      assertThat(help.exitCode()).as("%s --help", command).isZero();
      assertThat(help.stdoutText()).startsWith("Usage: peerlink " + command).contains("--help");
    }
    Cli top = new Cli("--help");
    assertThat(top.exitCode()).isZero();
    assertThat(top.stdoutText()).contains("peer", "dial", "demo");
  }

  @Test
  void aJsPeerDialsTheCliPeer() throws Exception {
    Cli peer = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--security", "noise");
    String addr = JsPeer.strings(peer.next("listening").get("addrs")).get(0);
    try (JsPeer js = JsPeer.start("--security", "noise")) {
      Map<String, Object> echo = js.requestOk(Duration.ofSeconds(60),
          "cmd", "echo", "addr", addr, "bytes", 1 << 20, "streams", 4);
      assertThat(echo.get("verified")).isEqualTo(true);
    }
    Map<String, Object> inbound = peer.next("connection");
    assertThat(inbound.get("security")).isEqualTo("/noise");
  }

  @Test
  void aPeerReservesOnACliRelayAndIsDialedThroughIt() throws Exception {
    Cli relay = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--serve-relay", "--relay-any-address");
    String relayAddr = JsPeer.strings(relay.next("listening").get("addrs")).get(0);
    relay.next("relay-enabled");
    Cli peer = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--relay", relayAddr);
    String peerId = (String) peer.next("listening").get("peerId");
    Map<String, Object> reserved = peer.skipTo("reserved");
    assertThat(reserved.get("relay")).isEqualTo(relayAddr);
    String circuit = relayAddr + "/p2p-circuit/p2p/" + peerId;
    assertThat(JsPeer.strings(reserved.get("addrs"))).containsExactly(circuit);

    Cli dial = new Cli("dial", "--target", circuit, "--ping", "1", "--echo", "10000");
    Map<String, Object> connected = dial.skipTo("connected");
    assertThat(connected.get("path")).isEqualTo("relayed");
    assertThat(connected.get("peerId")).isEqualTo(peerId);
    assertThat((String) connected.get("remoteAddr")).isEqualTo(relayAddr + "/p2p-circuit");
    dial.next("ping");
    dial.next("echo");
    assertThat(dial.exitCode()).isZero();

    Cli byId = new Cli("dial", "--target", peerId, "--relay", relayAddr, "--ping", "1");
    assertThat(byId.skipTo("connected").get("path")).isEqualTo("relayed");
    byId.next("ping");
    assertThat(byId.exitCode()).isZero();
  }

  @Test
  void autorelayKeepsTwoReservationsAndReplacesAKilledRelay() throws Exception {
    Map<String, String> relayAddrs = new LinkedHashMap<>(); // peer id -> address
    Map<String, Cli> relayProcs = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      Cli relay = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--serve-relay", "--relay-any-address");
      Map<String, Object> listening = relay.next("listening");
      String id = (String) listening.get("peerId");
      relayAddrs.put(id, JsPeer.strings(listening.get("addrs")).get(0));
      relayProcs.put(id, relay);
      relay.next("relay-enabled");
    }
    // Relays that have served a connection before, as relays in the wild have: a relay JVM's first
    // TLS handshake loads the TLS engine, which on this shared 2-core machine, with four JVMs
    // starting at once, can outlast AutoRelay's 10 s vetting timeout.
    List<Cli> warmUps = new ArrayList<>();
    for (String addr : relayAddrs.values()) {
      warmUps.add(new Cli("dial", "--target", addr));
    }
    for (Cli warmUp : warmUps) {
      warmUp.skipTo("connected");
      assertThat(warmUp.exitCode()).isZero();
    }
    List<String> args = new ArrayList<>(List.of("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--autorelay"));
    for (String a : relayAddrs.values()) {
      args.add("--relay");
      args.add(a);
    }
    Cli peer = new Cli(args.toArray(String[]::new));
    String peerId = (String) peer.next("listening").get("peerId");
    Map<String, Object> first = peer.skipTo("reserved");
    Map<String, Object> second = peer.skipTo("reserved");
    List<String> held = List.of((String) first.get("relay"), (String) second.get("relay"));
    assertThat(held).doesNotHaveDuplicates().allMatch(relayAddrs::containsKey);
    assertThat(JsPeer.strings(first.get("addrs")))
        .containsExactly(relayAddrs.get(held.get(0)) + "/p2p-circuit/p2p/" + peerId);

    String victim = held.get(0);
    String spare = relayAddrs.keySet().stream().filter(id -> !held.contains(id)).findFirst().orElseThrow();
    relayProcs.get(victim).process.destroyForcibly();
    Map<String, Object> lost = peer.skipTo("relay-lost");
    assertThat(lost.get("relay")).isEqualTo(victim);
    assertThat((String) lost.get("reason")).isNotBlank();
    Map<String, Object> replacement = peer.skipTo("reserved");
    assertThat(replacement.get("relay")).isEqualTo(spare);
    String circuit = relayAddrs.get(spare) + "/p2p-circuit/p2p/" + peerId;
    assertThat(JsPeer.strings(replacement.get("addrs"))).containsExactly(circuit);

    Cli dial = new Cli("dial", "--target", circuit, "--ping", "1");
    Map<String, Object> connected = dial.next("connected");
    assertThat(connected.get("path")).isEqualTo("relayed");
    assertThat(connected.get("peerId")).isEqualTo(peerId);
    dial.next("ping");
    assertThat(dial.exitCode()).isZero();
  }

  @Test
  void dhtCommandsFindAPeerAndAProviderAndDialByPeerIdAlone() throws Exception {
    Cli boot = new Cli("peer", "--listen", "/ip4/127.0.0.1/tcp/0", "--dht", "--dht-mode", "SERVER");
    String bootAddr = JsPeer.strings(boot.next("listening").get("addrs")).get(0);
    assertThat(boot.skipTo("dht-joined").get("server")).isEqualTo(true);

    Cli provider = new Cli("provide", "--name", "/peerlink/cli-test", "--bootstrap", bootAddr, "--dht-mode", "SERVER");
    Map<String, Object> provided = provider.skipTo("provided");
    assertThat(((Number) provided.get("peers")).intValue()).isPositive();
    String providerId = JsPeer.strings(provided.get("addrs")).get(0).replaceAll(".*/p2p/", "");

    Cli find = new Cli("find-peer", "--target", providerId, "--bootstrap", bootAddr);
    Map<String, Object> found = find.skipTo("found-peer");
    assertThat(JsPeer.strings(found.get("addrs"))).containsAll(JsPeer.strings(provided.get("addrs")));
    assertThat(find.exitCode()).isZero();

    Cli providers = new Cli("find-providers", "--name", "/peerlink/cli-test", "--bootstrap", bootAddr);
    assertThat(providers.skipTo("provider").get("peerId")).isEqualTo(providerId);
    assertThat(providers.exitCode()).isZero();

    Cli dial = new Cli("dial", "--target", providerId, "--bootstrap", bootAddr, "--ping", "1");
    Map<String, Object> connected = dial.skipTo("connected");
    assertThat(connected.get("peerId")).isEqualTo(providerId);
    assertThat(connected.get("path")).isEqualTo("direct");
    assertThat(dial.exitCode()).isZero();
  }
}
