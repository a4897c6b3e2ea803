package io.peerlink.relay.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.testing.JsPeerJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A daemon run in this JVM: its stdout so far, a way to stop it, and its exit code. */
record RunningDaemon(ByteArrayOutputStream out, CountDownLatch stop, CompletableFuture<Integer> exit) {

  /** Starts the daemon with {@code args} and waits for its {@code listening} line. */
  static RunningDaemon start(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    CountDownLatch stop = new CountDownLatch(1);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> RelayDaemon.run(args, ps, System.err, stop));
    RunningDaemon d = new RunningDaemon(out, stop, exit);
    await("the daemon's listening line").atMost(Duration.ofSeconds(20)).until(() -> {
      assertThat(exit).as("daemon exited early: %s", d.stdout()).isNotDone();
      return d.stdout().contains("\"listening\"");
    });
    return d;
  }

  String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The {@code listening} line, raw. */
  String listening() {
    return stdout().lines().filter(l -> l.contains("\"listening\"")).findFirst().orElseThrow();
  }

  /** The {@code listening} line, parsed. */
  Map<String, Object> listeningEvent() {
    return JsPeerJson.parseObject(listening());
  }

  /** Asks the daemon to stop and waits for it to exit 0. */
  void stopAndWait() throws Exception {
    stop.countDown();
    assertThat(exit.get(30, TimeUnit.SECONDS)).as("exit code; stdout: %s", stdout()).isZero();
  }
}
