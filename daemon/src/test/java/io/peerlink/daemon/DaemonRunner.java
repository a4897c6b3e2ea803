package io.peerlink.daemon;

import io.peerlink.testing.Prerequisites;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Node 22 scripts of {@code interop/daemon} (the @libp2p/interop runner and the js daemon
 * client checks), installing them through {@code scripts/setup-node.sh} when missing. Missing
 * prerequisites skip the calling test, or fail it with {@code CI=true}.
 */
final class DaemonRunner {
  private static final Object LOCK = new Object();
  private static boolean setupTried;

  /** What a script did: its exit code and its output, stdout and stderr together. */
  record Result(int exitCode, String output) {}

  private DaemonRunner() {}

  static Path directory() {
    Path node = Prerequisites.requireNode();
    Path dir = Prerequisites.projectRoot().resolve("interop/daemon");
    Path stamp = dir.resolve("node_modules/.peerlink-setup-stamp");
    synchronized (LOCK) {
      if (!Files.exists(stamp) && !setupTried && !Prerequisites.isCi()) {
        setupTried = true;
        try {
          new ProcessBuilder("bash", "scripts/setup-node.sh")
              .directory(Prerequisites.projectRoot().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start().waitFor(10, TimeUnit.MINUTES);
        } catch (IOException | InterruptedException e) {
          // reported below as the missing prerequisite
        }
      }
    }
    Prerequisites.require(Files.exists(stamp) && Files.isExecutable(node),
        "interop/daemon not installed: run scripts/setup-node.sh");
    return dir;
  }

  /**
   * Runs {@code node <args>} in {@code interop/daemon}; the peerlink daemons it starts run from
   * this JVM's class path.
   */
  static Result run(List<String> args, Map<String, String> env, Duration timeout) throws Exception {
    Path dir = directory();
    List<String> command = new ArrayList<>();
    command.add(Prerequisites.requireNode().toString());
    command.addAll(args);
    File log = Files.createTempFile("daemon-runner", ".log").toFile();
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log);
    pb.environment().put("PEERLINK_DAEMON_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return new Result(-1, Files.readString(log.toPath(), StandardCharsets.UTF_8) + "\n(timed out)");
      }
      return new Result(p.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
    } finally {
      p.descendants().forEach(ProcessHandle::destroy);
      Files.deleteIfExists(log.toPath());
    }
  }
}
