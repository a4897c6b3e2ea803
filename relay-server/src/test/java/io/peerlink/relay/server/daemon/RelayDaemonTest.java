package io.peerlink.relay.server.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayDaemonTest {

  @TempDir
  Path dir;

  /** A started daemon: its stdout so far and a way to stop it. */
  record Running(ByteArrayOutputStream out, CountDownLatch stop, CompletableFuture<Integer> exit) {
    String stdout() {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private Running start(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    CountDownLatch stop = new CountDownLatch(1);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> RelayDaemon.run(args, ps, System.err, stop));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!out.toString(StandardCharsets.UTF_8).contains("\"listening\"")) {
      assertThat(exit).as("daemon exited early: " + out).isNotDone();
      assertThat(System.nanoTime()).as("no listening event").isLessThan(deadline);
      Thread.sleep(20);
    }
    return new Running(out, stop, exit);
  }

  private static String peerId(String stdout) {
    Matcher m = Pattern.compile("\"peerId\":\"([^\"]+)\"").matcher(stdout);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void printsListeningServesMetricsStopsAndKeepsItsIdentityAcrossRestarts() throws Exception {
    String key = dir.resolve("relay.pem").toString();
    Running r = start("--listen", "/ip4/127.0.0.1/tcp/0", "--identity", key, "--metrics", "127.0.0.1:0",
        "--max-circuit-data", "1000", "--drain-timeout", "1s");
    String line = r.stdout().lines().filter(l -> l.contains("listening")).findFirst().orElseThrow();
    assertThat(line).startsWith("{\"event\":\"listening\",\"peerId\":\"12D3KooW").contains("\"addrs\":[\"/ip4/127.0.0.1/tcp/");
    String id = peerId(line);
    Matcher port = Pattern.compile("\"metricsPort\":(\\d+)").matcher(line);
    assertThat(port.find()).isTrue();
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.group(1) + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("peerlink_relay_reservations 0", "peerlink_relay_circuits 0");
    r.stop().countDown();
    assertThat(r.exit().get(20, TimeUnit.SECONDS)).isZero();
    assertThat(r.stdout()).contains("{\"event\":\"stopped\"}");

    Running again = start("--listen", "/ip4/127.0.0.1/tcp/0", "--identity", key);
    assertThat(peerId(again.stdout())).isEqualTo(id);
    again.stop().countDown();
    assertThat(again.exit().get(20, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void badArgumentsExitTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RelayDaemon.run(new String[] {"--max-circuits", "lots"}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(1));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("max-circuits", "usage");
  }
}
