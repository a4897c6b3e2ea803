package io.peerlink.benchmarks.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts what each attack did (rounds, connections closed on it by the relay, errors), for the report. */
final class AttackCounters {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<String, String> firstErrors = new ConcurrentHashMap<>();

  void add(String attack, String what, long n) {
    counts.computeIfAbsent(attack + "." + what, k -> new LongAdder()).add(n);
  }

  void inc(String attack, String what) {
    add(attack, what, 1);
  }

  /** Keeps the first error of each attack, so a report shows why an attack could not run. */
  void error(String attack, Exception e) {
    inc(attack, "errors");
    firstErrors.putIfAbsent(attack, String.valueOf(e));
  }

  Map<String, String> firstErrors() {
    return new TreeMap<>(firstErrors);
  }

  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
