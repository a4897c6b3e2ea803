package io.peerlink.benchmarks.e2e;

import io.peerlink.core.SecurityProtocol;
import io.peerlink.testing.JsPeerJson;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the run: the median of every metric (with all its values), then every ratio the
 * performance goals name, each beside its goal, as a table and as one JSON line.
 */
final class Report {
  /** A ratio of two medians, with its goal: at least ({@code min}) or at most the bound, or none. */
  private record Ratio(String name, double value, String goal, Boolean met) {}

  private final Samples s;
  private final BenchOptions o;
  private final String cipherSuite;
  private final List<Ratio> ratios = new ArrayList<>();

  Report(Samples s, BenchOptions o, String cipherSuite) {
    this.s = s;
    this.o = o;
    this.cipherSuite = cipherSuite;
    ratios();
  }

  private void ratios() {
    String relaySec = o.relaySecurity() == SecurityProtocol.TLS ? "tls" : "noise";
    for (String kind : List.of("echo", "oneway")) {
      atLeast("Noise " + kind + ": peerlink / js", "pl.noise." + kind, "js.noise." + kind, 2.0);
    }
    double aead = Math.min(s.median("aead.chacha20-poly1305.encrypt"), s.median("aead.chacha20-poly1305.decrypt"));
    add("Noise one-way: peerlink / ChaCha20-Poly1305 (slower of encrypt, decrypt; one core)",
        s.median("pl.noise.oneway") / aead, ">= 0.80", s.median("pl.noise.oneway") / aead >= 0.8);
    if (s.has("aead.chacha20-poly1305-native.encrypt")) {
      // The cipher peerlink's Noise actually runs (BoringSSL through Conscrypt): the fair ceiling.
      double nativeAead = Math.min(s.median("aead.chacha20-poly1305-native.encrypt"),
          s.median("aead.chacha20-poly1305-native.decrypt"));
      add("Noise one-way: peerlink / its own ChaCha20-Poly1305 (BoringSSL; slower direction; one core)",
          s.median("pl.noise.oneway") / nativeAead, ">= 0.80", s.median("pl.noise.oneway") / nativeAead >= 0.8);
    }
    for (String kind : List.of("echo", "oneway")) {
      atLeast("TLS " + kind + ": peerlink / raw JDK TLS socket", "pl.tls." + kind, "raw.tls." + kind, 0.8);
      atLeast("TLS " + kind + ": peerlink / js", "pl.tls." + kind, "js.tls." + kind, 3.0);
    }
    atMost("Set-up TLS: peerlink / js (median time)", "setup.pl.tls", "setup.js.tls", 0.5);
    info("Set-up Noise: peerlink / js (median time)", "setup.pl.noise", "setup.js.noise");
    if (o.relays()) {
      atMost("Relay CPU per MiB, peerlink relay: / one decrypt + one encrypt (" + relaySec + " cipher)",
          "relay.pl-via-pl.relay-cpu", "aead.relay-cipher.decrypt+encrypt", 1.2);
      info("Relay CPU per MiB, js relay: / one decrypt + one encrypt", "relay.js-via-js.relay-cpu",
          "aead.relay-cipher.decrypt+encrypt");
      if (s.has("aead.relay-cipher-native.decrypt+encrypt")) {
        atMost("Relay CPU per MiB, peerlink relay: / one decrypt + one encrypt with the cipher it runs ("
            + relaySec + ", native)", "relay.pl-via-pl.relay-cpu", "aead.relay-cipher-native.decrypt+encrypt", 1.2);
      }
      atLeast("Relayed: peerlink peers via peerlink relay / js peers via js relay", "relay.pl-via-pl.oneway",
          "relay.js-via-js.oneway", 1.5);
      info("Relayed, same peers: peerlink via peerlink relay / peerlink via js relay", "relay.pl-via-pl.oneway",
          "relay.pl-via-js.oneway");
      info("Relayed, same peers: js via peerlink relay / js via js relay", "relay.js-via-pl.oneway",
          "relay.js-via-js.oneway");
      info("Relayed / direct, peerlink (" + relaySec + "; ~1/3 is the CPU bound on 2 cores)",
          "relay.pl-via-pl.oneway", "pl." + relaySec + ".oneway");
      info("Relayed / direct, js (" + relaySec + ")", "relay.js-via-js.oneway", "js." + relaySec + ".oneway");
    }
    for (String kind : List.of("echo", "oneway")) {
      info("QUIC " + kind + ": peerlink QUIC / peerlink TCP+TLS+yamux", "pl.quic." + kind, "pl.tls." + kind);
    }
    info(o.streams() + " streams echo: peerlink QUIC / TCP+TLS+yamux time", "streams.pl.quic", "streams.pl.tls");
    info("Set-up: peerlink QUIC / TCP+TLS+yamux (median time)", "setup.pl.quic", "setup.pl.tls");
    atMost(o.streams() + " streams echo: peerlink / js time, TLS", "streams.pl.tls", "streams.js.tls", 0.5);
    atMost(o.streams() + " streams echo: peerlink / js time, Noise", "streams.pl.noise", "streams.js.noise", 0.5);
  }

  private void atLeast(String name, String a, String b, double min) {
    double v = s.median(a) / s.median(b);
    add(name, v, ">= " + min, v >= min);
  }

  private void atMost(String name, String a, String b, double max) {
    double v = s.median(a) / s.median(b);
    add(name, v, "<= " + max, v <= max);
  }

  private void info(String name, String a, String b) {
    add(name, s.median(a) / s.median(b), "", null);
  }

  private void add(String name, double v, String goal, Boolean met) {
    ratios.add(new Ratio(name, v, goal, Double.isNaN(v) ? null : met));
  }

  void print(PrintStream out) {
    out.println();
    out.printf("peerlink end-to-end benchmark: %d measured rounds (after %d warm-up), %d MiB per single-stream"
        + " transfer, %d x %d KiB streams, %d cores%n", o.rounds(), o.warmupRounds(), o.size() >> 20, o.streams(),
        o.streamSize() >> 10, Runtime.getRuntime().availableProcessors());
    out.printf("TLS 1.3 cipher suite (peerlink's choice, used by the raw socket too): %s%n", cipherSuite);
    out.printf("relay scenarios: %s%n%n", o.relays() ? "security " + o.relaySecurity() : "off");
    out.printf("%-48s %10s  %-11s %s%n", "metric", "median", "unit", "values");
    for (Map.Entry<String, List<Double>> e : s.all().entrySet()) {
      out.printf("%-48s %10.2f  %-11s %s%n", e.getKey(), s.median(e.getKey()), s.unit(e.getKey()),
          e.getValue().stream().map(v -> String.format("%.1f", v)).toList());
    }
    out.println();
    out.printf("%-92s %8s  %-7s %s%n", "ratio (of medians)", "value", "goal", "met");
    for (Ratio r : ratios) {
      out.printf("%-92s %8.2f  %-7s %s%n", r.name(), r.value(), r.goal(),
          r.met() == null ? "" : r.met() ? "yes" : "NO");
    }
    out.println();
    out.println(json());
  }

  private String json() {
    Map<String, Object> j = new LinkedHashMap<>();
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("rounds", o.rounds());
    opts.put("warmupRounds", o.warmupRounds());
    opts.put("size", o.size());
    opts.put("streams", o.streams());
    opts.put("streamSize", o.streamSize());
    opts.put("handshakes", o.handshakes());
    opts.put("relaySecurity", o.relaySecurity().name().toLowerCase(Locale.ROOT));
    opts.put("cores", Runtime.getRuntime().availableProcessors());
    j.put("options", opts);
    j.put("cipherSuite", cipherSuite);
    Map<String, Object> medians = new LinkedHashMap<>();
    s.all().keySet().forEach(k -> medians.put(k, round(s.median(k))));
    j.put("medians", medians);
    Map<String, Object> rs = new LinkedHashMap<>();
    for (Ratio r : ratios) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("value", round(r.value()));
      m.put("goal", r.goal());
      m.put("met", r.met());
      rs.put(r.name(), m);
    }
    j.put("ratios", rs);
    Map<String, Object> all = new LinkedHashMap<>();
    s.all().forEach((k, v) -> all.put(k, v.stream().map(Report::round).toList()));
    j.put("samples", all);
    return JsPeerJson.write(j);
  }

  private static Object round(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 1000) / 1000.0;
  }
}
