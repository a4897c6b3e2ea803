package io.peerlink.benchmarks.e2e;

import java.io.PrintStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The end-to-end benchmark: peerlink, js-libp2p 3.x and a raw JDK TLS 1.3 socket measured in one
 * run, in interleaved rounds on warm processes, printing every ratio the performance goals name.
 * Run from the project root (it finds {@code interop/js} there) with {@code bash scripts/bench.sh}
 * ({@code --quick}, the default, takes about two minutes; {@code --full} longer; see
 * {@link BenchOptions} for every parameter).
 *
 * <p>What is measured, per round: the JDK's ChaCha20-Poly1305 and the TLS suite's AEAD on one core;
 * single-stream echo and one-way transfers for raw TLS, peerlink TLS, Noise and QUIC, js TLS and Noise;
 * many concurrent echo streams on one connection; connection set-up time; and one-way transfers
 * through a peerlink relay and a js relay, with the relay process's CPU time per MiB. Each
 * peerlink and js end is a process of its own; absolute figures depend on the machine and its
 * load, so read the ratios.
 */
public final class EndToEndBenchmark {
  /**
   * BouncyCastle's TLS engine warns once per JVM about JDK disabled-algorithm entries it does not
   * understand; held here so the level set in main stays (JUL keeps loggers only weakly).
   */
  private static final Logger TLS_ENGINE_LOG = Logger.getLogger("org.bouncycastle.jsse");

  private EndToEndBenchmark() {}

  /** Runs the benchmark; exits 2 on a usage error. */
  public static void main(String[] args) throws Exception {
    TLS_ENGINE_LOG.setLevel(Level.SEVERE);
    PrintStream out = System.out;
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    Samples samples = new Samples();
    String suite;
    try (Fleet fleet = Fleet.start(o, out)) {
      suite = fleet.cipherSuite;
      for (int i = 0; i < o.warmupRounds(); i++) {
        out.printf("# warm-up round %d/%d (%d MiB)%n", i + 1, o.warmupRounds(), o.warmupSize() >> 20);
        Round.run(fleet, o, o.warmupSize(), new Samples());
      }
      for (int i = 0; i < o.rounds(); i++) {
        out.printf("# round %d/%d (%d MiB)%n", i + 1, o.rounds(), o.size() >> 20);
        Round.run(fleet, o, o.size(), samples);
      }
    }
    new Report(samples, o, suite).print(out);
    out.printf("# took %.0f s%n", (System.nanoTime() - start) / 1e9);
    System.exit(0);
  }
}
