package io.peerlink.benchmarks.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every measured value of the run, by metric, in the order measured; medians on demand. */
final class Samples {
  private final Map<String, List<Double>> values = new LinkedHashMap<>();
  private final Map<String, String> units = new LinkedHashMap<>();

  void add(String metric, String unit, double value) {
    values.computeIfAbsent(metric, k -> new ArrayList<>()).add(value);
    units.put(metric, unit);
  }

  boolean has(String metric) {
    return values.containsKey(metric);
  }

  /** The median, or NaN when the metric was not measured. */
  double median(String metric) {
    List<Double> v = values.get(metric);
    if (v == null || v.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  Map<String, List<Double>> all() {
    return values;
  }

  String unit(String metric) {
    return units.get(metric);
  }
}
