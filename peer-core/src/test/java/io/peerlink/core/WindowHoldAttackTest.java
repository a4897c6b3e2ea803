package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.multiaddr.Multiaddr;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The window hold: one connection opens 300 echo streams, fills each 256 KiB window and never
 * reads. Before the resource manager the host buffered every window and every echo it could not
 * send (about 150 MiB: out of direct memory at a 256 MiB heap); now each stream is charged its
 * receive window when it opens, so the connection's memory limit bounds it, streams over it are
 * refused, an innocent peer still gets its echo, and the host stops cleanly.
 */
class WindowHoldAttackTest {
  private static final long CONNECTION_MEMORY = ResourceLimits.DEFAULT_CONNECTION.memory();

  @Test
  @Timeout(120)
  void inTheTestJvmTheHoldIsBoundedByTheConnectionsMemoryLimit() throws Exception {
    try (WindowHoldHost host = new WindowHoldHost()) {
      Connector attacker = WindowHoldAttacker.attack(host.address());
      PeerTestSupport.await("the host to reset streams over its memory limit", () -> host.refusals() > 0);
      Duration echo = WindowHoldAttacker.innocentEcho(host.address());
      String report = host.stopAndReport();
      attacker.close();
      System.out.println("window hold in the test JVM: innocentEchoMs=" + echo.toMillis() + " " + report);
      assertBounded(report);
    }
  }

  /** The host alone in a child JVM with the heap and direct memory the issue saw it fail in. */
  @Test
  @Timeout(180)
  void aHostIn256MiBSurvivesServesAnInnocentPeerAndStops() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-XX:MaxDirectMemorySize=256m",
        "-Dio.netty.leakDetection.level=paranoid",
        "-cp", System.getProperty("java.class.path"), WindowHoldHost.class.getName()))
        .redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.add(line);
        }
      } catch (Exception ignored) {
        // the child is gone
      }
    }, "window-hold-host-output");
    reader.setDaemon(true);
    reader.start();
    try {
      PeerTestSupport.await("the host to listen", () -> output.stream().anyMatch(l -> l.startsWith("LISTENING ")));
      Multiaddr address = Multiaddr.parse(output.stream().filter(l -> l.startsWith("LISTENING ")).findFirst()
          .orElseThrow().substring("LISTENING ".length()));
      try (Connector attacker = WindowHoldAttacker.attack(address)) {
        PeerTestSupport.await("the host to reset streams over its memory limit", () -> output.contains("REFUSING"));
        Duration echo = WindowHoldAttacker.innocentEcho(address);
        assertThat(echo).isLessThan(Duration.ofSeconds(30));
        OutputStream in = child.getOutputStream();
        in.write("STOP\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the host stopped; its output: %s", output).isTrue();
      }
      reader.join(5_000);
      assertThat(child.exitValue()).as("the host's exit; its output: %s", output).isZero();
      String text = String.join("\n", output);
      assertThat(text).doesNotContain("OutOfMemoryError").doesNotContain("LEAK:");
      String report = output.stream().filter(l -> l.startsWith("OUTCOME ")).findFirst().orElseThrow();
      System.out.println("window hold against a 256 MiB host: " + report);
      assertBounded(report);
      // The host alone now: its bounded share, the innocent peer's echo, Netty's pools and slack.
      assertThat(number(report, "mostDirectBytes")).as(report).isLessThan(3 * CONNECTION_MEMORY);
    } finally {
      child.destroyForcibly();
    }
  }

  /** The peak is the host's: the attacker's connection at its limit, plus the innocent peer's echo. */
  private static void assertBounded(String report) {
    assertThat(number(report, "peakMemory")).as(report).isLessThanOrEqualTo(CONNECTION_MEMORY + 2L * 1024 * 1024)
        .isGreaterThan(CONNECTION_MEMORY / 2); // the attack filled what it could
    assertThat(number(report, "memoryRefusals")).as("streams reset for memory, %s", report).isPositive();
    assertThat(number(report, "stopMs")).as(report).isLessThan(10_000);
    assertThat(number(report, "memoryAfter")).as("every byte given back, %s", report).isZero();
    assertThat(number(report, "streamsAfter")).as("every stream given back, %s", report).isZero();
    assertThat(number(report, "leaks")).as(report).isZero();
  }

  private static long number(String report, String name) {
    return Long.parseLong(report.replaceAll(".*\\b" + name + "=(\\d+).*", "$1"));
  }
}
