package io.peerlink.relay.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as its own process, stopped the way systemd and Kubernetes stop it: SIGTERM. */
@Timeout(60)
class RelayDaemonSignalTest {
  @TempDir
  Path dir;

  @Test
  void sigtermStopsItCleanlyWithExitZeroWithinFiveSeconds() throws Exception {
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process daemon = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        RelayDaemon.class.getName(), "--listen", "/ip4/127.0.0.1/tcp/0",
        "--identity", dir.resolve("relay.pem").toString(), "--drain-timeout", "1s")
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    try {
      await("the daemon's listening line").atMost(Duration.ofSeconds(30))
          .until(() -> Files.readString(stdout).contains("\"listening\"") || !daemon.isAlive());
      assertThat(daemon.isAlive()).as("running; stderr: %s", Files.readString(stderr)).isTrue();

      daemon.destroy(); // SIGTERM
      assertThat(daemon.waitFor(5, TimeUnit.SECONDS)).as("stopped within 5 s").isTrue();
      assertThat(daemon.exitValue()).as("exit status after SIGTERM; stderr: %s", Files.readString(stderr))
          .isZero();
      assertThat(Files.readString(stdout))
          .contains("{\"event\":\"stopping\",\"circuits\":0}", "{\"event\":\"stopped\"}");
    } finally {
      daemon.destroyForcibly();
    }
  }
}
