package io.peerlink.benchmarks.e2e;

import io.peerlink.core.Peer;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.internal.noise.ChaChaPolyProvider;
import io.peerlink.core.perf.Perf;
import io.peerlink.core.perf.PerfResult;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One round: every scenario once, one after another on the warm {@link Fleet}, so drift on a
 * shared machine falls on all of them alike. One-way transfers use the perf protocol (upload only)
 * for peerlink and js, and the baseline's sink for raw TLS; echo transfers use {@code /echo/1.0.0}
 * counting only, and the baseline's echo mode.
 */
final class Round {
  private static final double MIB = 1 << 20;
  private static final Duration T = Duration.ofSeconds(300);
  /** The protocols measured: plaintext is for tests and has no fleet of its own. */
  private static final List<SecurityProtocol> ENCRYPTED = List.of(SecurityProtocol.TLS, SecurityProtocol.NOISE);

  private final Fleet f;
  private final BenchOptions o;
  private final long size;
  private final Samples out;

  private Round(Fleet f, BenchOptions o, long size, Samples out) {
    this.f = f;
    this.o = o;
    this.size = size;
    this.out = out;
  }

  /** Runs one round with {@code size}-byte single-stream transfers, adding every value to {@code out}. */
  static void run(Fleet f, BenchOptions o, long size, Samples out) throws Exception {
    new Round(f, o, size, out).run();
  }

  private void run() throws Exception {
    aead();
    mibps("raw.tls.echo", f.raw.echo(size));
    mibps("raw.tls.oneway", f.raw.oneWay(size));
    for (SecurityProtocol s : ENCRYPTED) {
      String k = name(s);
      Peer p = s == SecurityProtocol.TLS ? f.plTls : f.plNoise;
      mibps("pl." + k + ".echo", get(CountingEcho.run(p, size)));
      mibps("pl." + k + ".oneway", perf(p));
      JsPeer js = s == SecurityProtocol.TLS ? f.jsTls : f.jsNoise;
      mibps("js." + k + ".echo", millis(js.requestOk(T, "cmd", "echo", "addr", f.jsServerAddr,
          "bytes", size, "streams", 1, "verify", false), "ms"));
      mibps("js." + k + ".oneway", millis(js.requestOk(T, "cmd", "perf", "addr", f.jsServerAddr,
          "upload", size, "download", 0), "ms"));
    }
    // QUIC (TLS 1.3 inside QUIC, QUIC's own streams) beside TCP+TLS+yamux, same server process.
    mibps("pl.quic.echo", get(CountingEcho.run(f.plQuic, size)));
    mibps("pl.quic.oneway", perf(f.plQuic));
    out.add("streams.pl.quic", "ms", manyStreams(f.plQuic) / 1e6);
    for (int i = 0; i < o.handshakes(); i++) {
      long t0 = System.nanoTime();
      Peer p = get(f.tlsConnector.connect(f.plServerQuicAddr));
      out.add("setup.pl.quic", "ms", (System.nanoTime() - t0) / 1e6);
      get(p.close());
    }
    for (SecurityProtocol s : ENCRYPTED) {
      String k = name(s);
      Peer p = s == SecurityProtocol.TLS ? f.plTls : f.plNoise;
      JsPeer js = s == SecurityProtocol.TLS ? f.jsTls : f.jsNoise;
      out.add("streams.pl." + k, "ms", manyStreams(p) / 1e6);
      out.add("streams.js." + k, "ms", millis(js.requestOk(T, "cmd", "echo", "addr", f.jsServerAddr,
          "bytes", o.streamSize(), "streams", o.streams(), "verify", false), "ms") / 1e6);
    }
    for (SecurityProtocol s : ENCRYPTED) {
      String k = name(s);
      var connector = s == SecurityProtocol.TLS ? f.tlsConnector : f.noiseConnector;
      for (int i = 0; i < o.handshakes(); i++) {
        long t0 = System.nanoTime();
        Peer p = get(connector.connect(f.plServerAddr));
        out.add("setup.pl." + k, "ms", (System.nanoTime() - t0) / 1e6);
        get(p.close());
      }
      JsPeer js = s == SecurityProtocol.TLS ? f.jsTls : f.jsNoise;
      Map<String, Object> hs = js.requestOk(T, "cmd", "handshakes", "addr", f.jsServerAddr, "count", o.handshakes());
      for (Object ms : (List<?>) hs.get("ms")) {
        out.add("setup.js." + k, "ms", ((Number) ms).doubleValue());
      }
    }
    if (o.relays()) {
      relayed("relay.pl-via-pl", f.plRelayPid, () -> perf(f.plViaPlRelay));
      relayed("relay.js-via-js", f.jsRelayPid, () -> jsPerf(f.jsViaJsRelay));
      relayed("relay.pl-via-js", f.jsRelayPid, () -> perf(f.plViaJsRelay));
      relayed("relay.js-via-pl", f.plRelayPid, () -> jsPerf(f.jsViaPlRelay));
    }
  }

  private void aead() throws Exception {
    AeadThroughput.Rates chacha = AeadThroughput.measure(AeadThroughput.Aead.CHACHA20_POLY1305, o.aeadBytes());
    out.add("aead.chacha20-poly1305.encrypt", "MiB/cpu-s", chacha.encryptMiBps());
    out.add("aead.chacha20-poly1305.decrypt", "MiB/cpu-s", chacha.decryptMiBps());
    AeadThroughput.Rates tls = AeadThroughput.measure(AeadThroughput.Aead.ofTlsSuite(f.cipherSuite), o.aeadBytes());
    out.add("aead.tls-suite.encrypt", "MiB/cpu-s", tls.encryptMiBps());
    out.add("aead.tls-suite.decrypt", "MiB/cpu-s", tls.decryptMiBps());
    AeadThroughput.Rates relay = o.relaySecurity() == SecurityProtocol.TLS ? tls : chacha;
    out.add("aead.relay-cipher.decrypt+encrypt", "cpu-ms/MiB", relay.msPerMiBDecryptPlusEncrypt());
    if (ChaChaPolyProvider.defaultProvider() == ChaChaPolyProvider.CONSCRYPT) {
      AeadThroughput.Rates nativeChacha = AeadThroughput.measure(AeadThroughput.Aead.CHACHA20_POLY1305_NATIVE, o.aeadBytes());
      out.add("aead.chacha20-poly1305-native.encrypt", "MiB/cpu-s", nativeChacha.encryptMiBps());
      out.add("aead.chacha20-poly1305-native.decrypt", "MiB/cpu-s", nativeChacha.decryptMiBps());
      AeadThroughput.Rates relayNative = o.relaySecurity() == SecurityProtocol.TLS ? tls : nativeChacha;
      out.add("aead.relay-cipher-native.decrypt+encrypt", "cpu-ms/MiB", relayNative.msPerMiBDecryptPlusEncrypt());
    }
  }

  private long perf(Peer p) throws Exception {
    PerfResult r = get(Perf.measure(p, size, 0));
    if (r.uploadBytes() != size) {
      throw new IllegalStateException("perf moved " + r.uploadBytes() + " of " + size);
    }
    return r.totalTime().toNanos();
  }

  private long jsPerf(String connId) {
    return millis(f.jsRelayClient.requestOk(T, "cmd", "perf", "connId", connId, "upload", size, "download", 0), "ms");
  }

  /** 64 (or {@code --streams}) echoes at once on one connection; nanoseconds until the last is back. */
  private long manyStreams(Peer p) throws Exception {
    long t0 = System.nanoTime();
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (int i = 0; i < o.streams(); i++) {
      all.add(CountingEcho.run(p, o.streamSize()));
    }
    get(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
    return System.nanoTime() - t0;
  }

  private interface Transfer {
    long nanos() throws Exception;
  }

  /** A relayed one-way transfer, and the relay process's CPU time per MiB relayed. */
  private void relayed(String key, long relayPid, Transfer t) throws Exception {
    double cpu0 = ProcessCpu.seconds(relayPid);
    long nanos = t.nanos();
    double cpu = ProcessCpu.seconds(relayPid) - cpu0;
    mibps(key + ".oneway", nanos);
    out.add(key + ".relay-cpu", "cpu-ms/MiB", cpu * 1000 / (size / MIB));
  }

  private void mibps(String metric, long nanos) {
    out.add(metric, "MiB/s", size / MIB / (nanos / 1e9));
  }

  private static long millis(Map<String, Object> answer, String key) {
    return (long) (((Number) answer.get(key)).doubleValue() * 1e6);
  }

  private static String name(SecurityProtocol s) {
    return s == SecurityProtocol.TLS ? "tls" : "noise";
  }

  private static <V> V get(CompletableFuture<V> f) throws Exception {
    return f.get(T.toSeconds(), TimeUnit.SECONDS);
  }
}
