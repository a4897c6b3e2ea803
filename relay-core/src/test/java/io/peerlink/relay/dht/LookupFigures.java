package io.peerlink.relay.dht;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The figures of a batch of FIND_PEER lookups: success rate, hops and latency (median and 95th
 * percentile), as docs/dht.md reports them.
 */
final class LookupFigures {

  /**
   * One lookup.
   *
   * @param found whether the target's listen address came back
   * @param hops the hop of the answer that named the target (1: a peer of our own table)
   * @param queried peers that answered
   * @param unreachable peers asked that failed
   * @param millis from the call to the answer
   */
  record Sample(boolean found, int hops, int queried, int unreachable, double millis) {}

  private final List<Sample> samples = new ArrayList<>();

  synchronized void add(Sample s) {
    samples.add(s);
  }

  synchronized int count() {
    return samples.size();
  }

  /** {@return the share of lookups that found their target, 0 to 1} */
  synchronized double successRate() {
    return samples.isEmpty() ? 0 : (double) samples.stream().filter(Sample::found).count() / samples.size();
  }

  /** {@return the lookups that found the target} */
  synchronized List<Sample> found() {
    return samples.stream().filter(Sample::found).toList();
  }

  static double percentile(List<Sample> of, ToDoubleFunction<Sample> f, double p) {
    if (of.isEmpty()) {
      return Double.NaN;
    }
    double[] v = of.stream().mapToDouble(f).sorted().toArray();
    int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, i))];
  }

  /** {@return one line: counts, success, hops, peers asked, failures met and latency} */
  synchronized String summary(String name) {
    List<Sample> routed = found();
    return String.format(Locale.ROOT,
        "%s: %d lookups, %d found (%.1f %%); over those found: "
            + "hops median %.0f p95 %.0f max %.0f; peers answered median %.0f p95 %.0f; "
            + "failed queries median %.0f p95 %.0f; latency median %.1f ms p95 %.1f ms",
        name, samples.size(), routed.size(), 100.0 * successRate(),
        percentile(routed, Sample::hops, 50), percentile(routed, Sample::hops, 95), percentile(routed, Sample::hops, 100),
        percentile(routed, Sample::queried, 50), percentile(routed, Sample::queried, 95),
        percentile(routed, Sample::unreachable, 50), percentile(routed, Sample::unreachable, 95),
        percentile(routed, Sample::millis, 50), percentile(routed, Sample::millis, 95));
  }
}
