package io.peerlink.examples.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} arguments; a flag may repeat. */
final class Args {
  private final Map<String, List<String>> values = new HashMap<>();

  Args(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value = "true";
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      }
      values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
  }

  String get(String name, String dflt) {
    List<String> v = values.get(name);
    return v == null ? dflt : v.get(v.size() - 1);
  }

  String require(String name) {
    String v = get(name, null);
    if (v == null) {
      throw new UsageException("missing --" + name);
    }
    return v;
  }

  /** Whether the flag was given (with or without a value). */
  boolean has(String name) {
    return values.containsKey(name);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  int getInt(String name, int dflt) {
    String v = get(name, null);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " takes a whole number, not '" + v + "'");
    }
  }

  long getLong(String name, long dflt) {
    String v = get(name, null);
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " takes a whole number, not '" + v + "'");
    }
  }

  /** A command-line mistake; printed as an error of kind "usage". */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
