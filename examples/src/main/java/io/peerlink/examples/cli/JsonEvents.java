package io.peerlink.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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

  /** Prints {@code event} as one line; safe from any thread. */
  static void print(Map<String, ?> event) {
    String line;
    try {
      line = MAPPER.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + event + " as JSON", e);
    }
    synchronized (OUT) {
      OUT.println(line);
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
