package io.peerlink.relay.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintStream;
import java.util.Map;

/**
 * The daemon's stdout: one JSON object per line, {@code "event"} first, keys in the order given,
 * flushed at once so a supervisor or a test reading the pipe sees each event when it happens.
 */
final class JsonLines {
  private final ObjectMapper mapper = JsonMapper.builder().build();
  private final PrintStream out;

  JsonLines(PrintStream out) {
    this.out = out;
  }

  /** Prints {@code fields} as one line. */
  synchronized void print(Map<String, ?> fields) {
    out.println(write(fields));
    out.flush();
  }

  /** {@code value} as compact JSON. */
  String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + value, e);
    }
  }
}
