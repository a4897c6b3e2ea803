package io.peerlink.benchmarks.e2e;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchNode} in a JVM of its own (same class path, Netty leak detection off), so each
 * peerlink end has its own process as each js-libp2p end has, and a relay's CPU time can be read
 * from {@code /proc}. Its log goes to a temporary file named in failure messages.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final Map<String, Object> ready;

  private ChildJvm(Process process, Path log, Map<String, Object> ready) {
    this.process = process;
    this.log = log;
    this.ready = ready;
  }

  /** Starts {@code BenchNode args} and waits for its ready line. */
  static ChildJvm start(String... args) throws Exception {
    Path log = Files.createTempFile("peerlink-bench-node-", ".log");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dio.netty.leakDetection.level=disabled",
        "-cp", System.getProperty("java.class.path"),
        BenchNode.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        line.complete(r.readLine());
      } catch (IOException e) {
        line.completeExceptionally(e);
      }
    }, "bench-node-stdout");
    reader.setDaemon(true);
    reader.start();
    String first;
    try {
      first = line.get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("BenchNode " + String.join(" ", args) + " did not start; log: " + log, e);
    }
    if (first == null) {
      throw new IllegalStateException("BenchNode " + String.join(" ", args) + " exited; log: " + log);
    }
    return new ChildJvm(p, log, JsPeerJson.parseObject(first));
  }

  /** A field of the ready line. */
  String get(String key) {
    return String.valueOf(ready.get(key));
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(log);
  }
}
