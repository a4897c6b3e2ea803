package io.peerlink.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A real js-libp2p peer ({@code interop/js/peer.mjs} on Node 22) running as a child process.
 *
 * <p>The peer prints one JSON object per line: events such as {@code {"event":"connection",...}}
 * and answers to commands ({@code {"id":N,"ok":true,...}}). A background thread reads them; events
 * are kept in arrival order and handed out by {@link #awaitEvent}, answers complete the matching
 * {@link #request}. The peer's stderr is kept (the last 64 KiB) and put into every failure message.
 *
 * <pre>{@code
 * try (JsPeer relay = JsPeer.start("--relay-server", "--relay-unlimited");
 *      JsPeer js = JsPeer.start("--security", "noise")) {
 *   Map<String, Object> r = js.requestOk(Duration.ofSeconds(30), "cmd", "ping", "addr", relay.addr(), "count", 3);
 * }
 * }</pre>
 *
 * <p>See {@code interop/js/README.md} for every flag, event and command.
 */
public final class JsPeer implements AutoCloseable {

  /** How long {@link #start} waits for the peer's "listening" line. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final int STDERR_KEEP = 64 * 1024;

  /** Peers not closed yet; a JVM shutdown hook kills them so no node process outlives the tests. */
  private static final Set<JsPeer> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (JsPeer peer : LIVE) {
        peer.kill();
      }
    }, "js-peer-reaper"));
  }

  private final Process process;
  private final String description;
  private final OutputStream stdin;
  private final Thread stdoutReader;
  private final Thread stderrReader;
  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
  private final StringBuilder stderr = new StringBuilder();

  // Guarded by "events".
  private final List<Map<String, Object>> events = new ArrayList<>();
  private final List<Boolean> consumed = new ArrayList<>();
  private boolean stdoutClosed;

  private volatile String peerId;
  private volatile List<String> addrs = List.of();
  private volatile boolean closed;

  private JsPeer(Process process, String description) {
    this.process = process;
    this.description = description;
    this.stdin = process.getOutputStream();
    this.stdoutReader = new Thread(this::readStdout, "js-peer-stdout-" + process.pid());
    this.stderrReader = new Thread(this::readStderr, "js-peer-stderr-" + process.pid());
    stdoutReader.setDaemon(true);
    stderrReader.setDaemon(true);
  }

  /**
   * Starts {@code node interop/js/peer.mjs args...} and waits until it listens. Skips the calling
   * test (fails it with {@code CI=true}) when Node 22 and the harness are not installed.
   */
  public static JsPeer start(String... args) {
    Path node = Prerequisites.requireNode();
    Path jsDir = Prerequisites.projectRoot().resolve(Prerequisites.JS_DIR);
    List<String> command = new ArrayList<>();
    command.add(node.toString());
    command.add(jsDir.resolve("peer.mjs").toString());
    Collections.addAll(command, args);
    Process process;
    try {
      process = new ProcessBuilder(command).directory(jsDir.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("cannot start js peer: " + command, e);
    }
    JsPeer peer = new JsPeer(process, "js peer (pid " + process.pid() + ") " + String.join(" ", args));
    LIVE.add(peer);
    peer.stdoutReader.start();
    peer.stderrReader.start();
    try {
      Map<String, Object> listening = peer.awaitEvent("listening", START_TIMEOUT);
      peer.peerId = (String) listening.get("peerId");
      peer.addrs = strings(listening.get("addrs"));
      return peer;
    } catch (RuntimeException | Error e) {
      peer.close();
      throw e;
    }
  }

  /** The peer's ID, {@code 12D3KooW...}. */
  public String peerId() {
    return peerId;
  }

  /** The addresses the peer printed when it started, each ending in {@code /p2p/<peerId>}. */
  public List<String> addrs() {
    return addrs;
  }

  /** The first of {@link #addrs()}. */
  public String addr() {
    if (addrs.isEmpty()) {
      throw new AssertionError(description + " has no listen address");
    }
    return addrs.get(0);
  }

  /** The OS process, e.g. to check that it is gone. */
  public Process process() {
    return process;
  }

  /** What the peer wrote on stderr so far (the last 64 KiB). */
  public String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** All events received so far, consumed or not, in arrival order. */
  public List<Map<String, Object>> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** Waits for the first not yet awaited event named {@code event}, and marks it awaited. */
  public Map<String, Object> awaitEvent(String event, Duration timeout) {
    return awaitEvent(event, e -> true, timeout);
  }

  /**
   * Waits for the first not yet awaited event named {@code event} that matches {@code filter}, and
   * marks it awaited. Events that arrived before the call count, so there is no race with a
   * command that triggers the event.
   */
  public Map<String, Object> awaitEvent(String event, Predicate<Map<String, Object>> filter, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (events) {
      while (true) {
        for (int i = 0; i < events.size(); i++) {
          Map<String, Object> e = events.get(i);
          if (!consumed.get(i) && event.equals(e.get("event")) && filter.test(e)) {
            consumed.set(i, true);
            return e;
          }
        }
        if (stdoutClosed) {
          throw failure("exited (" + exitStatus() + ") before event '" + event + "'", null);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw failure("no event '" + event + "' within " + timeout, null);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(events, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw failure("interrupted while waiting for event '" + event + "'", e);
        }
      }
    }
  }

  /**
   * Sends a command and returns the peer's answer, {@code ok} true or false. The command gets a
   * fresh {@code id}, and {@code timeoutMs} = {@code timeout} unless it has one, so the js side
   * gives up at the same time. Throws {@link AssertionError} when no answer comes in time.
   */
  public Map<String, Object> request(Map<String, ?> command, Duration timeout) {
    long id = nextId.getAndIncrement();
    Map<String, Object> cmd = new LinkedHashMap<>();
    cmd.put("id", id);
    cmd.putAll(command);
    cmd.putIfAbsent("timeoutMs", timeout.toMillis());
    CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
    pending.put(id, answer);
    try {
      String line = JsPeerJson.write(cmd) + "\n";
      synchronized (stdin) {
        stdin.write(line.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      }
      // A little slack beyond timeoutMs, so a js-side timeout arrives as an answer.
      return answer.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      throw failure("cannot send " + JsPeerJson.write(cmd), e);
    } catch (TimeoutException e) {
      throw failure("no answer to " + JsPeerJson.write(cmd) + " within " + timeout, null);
    } catch (ExecutionException e) {
      throw failure("no answer to " + JsPeerJson.write(cmd) + ": " + e.getCause().getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while waiting for an answer to " + JsPeerJson.write(cmd), e);
    } finally {
      pending.remove(id);
    }
  }

  /** {@link #request} with the command given as key, value, key, value... */
  public Map<String, Object> request(Duration timeout, Object... keysAndValues) {
    return request(map(keysAndValues), timeout);
  }

  /** {@link #request}, and fails unless the answer has {@code "ok":true}. */
  public Map<String, Object> requestOk(Duration timeout, Object... keysAndValues) {
    Map<String, Object> cmd = map(keysAndValues);
    Map<String, Object> answer = request(cmd, timeout);
    if (!Boolean.TRUE.equals(answer.get("ok"))) {
      throw failure("command " + JsPeerJson.write(cmd) + " failed: " + JsPeerJson.write(answer), null);
    }
    return answer;
  }

  /**
   * Stops the peer: asks it to stop, closes its stdin, and after a few seconds kills it and
   * anything it started. Safe to call more than once; never throws.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (process.isAlive()) {
        try {
          request(Map.of("cmd", "stop"), STOP_TIMEOUT);
        } catch (AssertionError | RuntimeException ignored) {
          // it may be wedged or gone already; it gets killed below
        }
      }
      try {
        stdin.close();
      } catch (IOException ignored) {
        // the process is gone
      }
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      stdoutReader.join(STOP_TIMEOUT.toMillis());
      stderrReader.join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    } finally {
      // Children first: once the parent is gone they would be reparented and harder to find.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      LIVE.remove(this);
    }
  }

  @Override
  public String toString() {
    return description + (peerId == null ? "" : " " + peerId);
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private void readStdout() {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        Map<String, Object> message;
        try {
          message = JsPeerJson.parseObject(line);
        } catch (IllegalArgumentException e) {
          // Only JSON belongs on stdout; keep anything else where failure messages show it.
          appendStderr("[not JSON on stdout] " + line + "\n");
          continue;
        }
        Object id = message.get("id");
        if (id instanceof Long l && message.containsKey("ok")) {
          CompletableFuture<Map<String, Object>> answer = pending.get(l);
          if (answer != null) {
            answer.complete(message);
          }
        } else if (message.containsKey("event")) {
          synchronized (events) {
            events.add(message);
            consumed.add(false);
            events.notifyAll();
          }
        } else {
          appendStderr("[unexpected on stdout] " + line + "\n");
        }
      }
    } catch (IOException e) {
      appendStderr("[stdout read failed] " + e + "\n");
    } finally {
      synchronized (events) {
        stdoutClosed = true;
        events.notifyAll();
      }
      IOException gone = new IOException("js peer closed its stdout (" + exitStatus() + ")");
      pending.values().forEach(f -> f.completeExceptionally(gone));
    }
  }

  private void readStderr() {
    try (InputStream in = process.getErrorStream()) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        appendStderr(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  private void appendStderr(String text) {
    synchronized (stderr) {
      stderr.append(text);
      if (stderr.length() > STDERR_KEEP) {
        stderr.delete(0, stderr.length() - STDERR_KEEP);
      }
    }
  }

  private String exitStatus() {
    try {
      if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
        return "exit code " + process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "still running";
  }

  private AssertionError failure(String what, Throwable cause) {
    String err = stderr();
    return new AssertionError(this + ": " + what + "\n--- js peer stderr ---\n"
        + (err.isEmpty() ? "(empty)\n" : err) + "--- end of js peer stderr ---", cause);
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must come in pairs");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** A JSON array of strings as a list. */
  public static List<String> strings(Object jsonArray) {
    List<String> out = new ArrayList<>();
    if (jsonArray instanceof List<?> list) {
      for (Object o : list) {
        out.add(String.valueOf(o));
      }
    }
    return List.copyOf(out);
  }
}
