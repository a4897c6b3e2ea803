package io.peerlink.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tool's standard output: one JSON object per line, {@code "event"} first and the other keys
 * in the order they were put, so scripts and tests can read it line by line.
 */
final class JsonEvents {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final PrintStream OUT =
      new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

  private JsonEvents() {}

  /** A new event object, {@code {"event": name}}, to add fields to. */
  static Map<String, Object> event(String name) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", name);
    return m;
  }

  /** Lines held back until the first line is out; null once it is (guarded by OUT). */
  private static List<String> held;

  /**
   * Holds back every line printed from now on until {@link #printFirst} runs, so a command's first
   * line (say "listening") comes first even when background work (connections, reservations)
   * starts printing before the command got to it.
   */
  static void holdUntilFirst() {
    synchronized (OUT) {
      held = new ArrayList<>();
    }
  }

  /**
   * Prints {@code event}, then the lines held back since {@link #holdUntilFirst}; also how errors
   * are printed, so a failure is never held back behind a first line that will not come.
   */
  static void printFirst(Map<String, ?> event) {
    String line = write(event);
    synchronized (OUT) {
      OUT.println(line);
      if (held != null) {
        held.forEach(OUT::println);
        held = null;
      }
    }
  }

  /** Prints {@code event} as one line; safe from any thread. */
  static void print(Map<String, ?> event) {
    String line = write(event);
    synchronized (OUT) {
      if (held != null) {
        held.add(line);
      } else {
        OUT.println(line);
      }
    }
  }

  private static String write(Map<String, ?> event) {
    try {
      return MAPPER.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + event + " as JSON", e);
    }
  }

  /** {@code {"event":"error","kind":kind,"message":message}}. */
  static Map<String, Object> error(String kind, String message) {
    Map<String, Object> ev = event("error");
    ev.put("kind", kind);
    ev.put("message", message);
    return ev;
  }

  /** Nanoseconds as milliseconds with two decimals. */
  static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
