package io.peerlink.core.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A JMH-free throughput comparison of the ChaCha20-Poly1305 engines for 64 KiB Noise frames, heap
 * and direct buffers. It decides {@link ChaChaPolyProvider}'s default. Runs only with
 * {@code -Dpeerlink.bench=true} because it takes seconds and shares the CPU with other builds:
 * {@code mvn -o -pl peer-core test -Dtest=ChaChaPolyThroughputBenchmark -Dpeerlink.bench=true}; the figures
 * are printed to the test's output file.
 */
class ChaChaPolyThroughputBenchmark {
  private static final int FRAME = 65519;
  private static final int ROUNDS = 3;
  private static final long MEASURE_NANOS = 1_000_000_000L;

  @Test
  void compareEngines() throws Exception {
    assumeTrue(Boolean.getBoolean("peerlink.bench"), "benchmark: run with -Dpeerlink.bench=true");
    for (int round = 0; round < ROUNDS; round++) {
      for (ChaChaPolyProvider p : ChaChaPolyProvider.values()) {
        if (!p.isAvailable()) {
          continue;
        }
        for (boolean direct : new boolean[] {false, true}) {
          double enc = measure(p, direct, true);
          double dec = measure(p, direct, false);
          System.out.printf(Locale.ROOT, "round %d %-13s %-6s encrypt %7.1f MiB/s  decrypt %7.1f MiB/s%n",
              round, p, direct ? "direct" : "heap", enc, dec);
          assertThat(enc).isPositive();
        }
      }
    }
  }

  private static double measure(ChaChaPolyProvider p, boolean direct, boolean encrypt) throws Exception {
    byte[] key = new byte[32];
    ThreadLocalRandom.current().nextBytes(key);
    ChaChaPolyAead enc = p.create(key);
    ChaChaPolyAead dec = p.create(key);
    ByteBuffer plain = alloc(FRAME, direct);
    ByteBuffer[] sealed = {alloc(FRAME + 16, direct), alloc(FRAME + 16, direct)};
    ByteBuffer out = alloc(FRAME + 16, direct);
    byte[] empty = new byte[0];
    long counter = 0;
    // Two valid ciphertexts decrypted alternately: the JDK engine refuses to be initialised twice
    // in a row with the same key and nonce, even for decryption.
    for (int i = 0; i < 2; i++) {
      enc.encrypt(CipherState.nonce(counter++), empty, new ByteBuffer[] {plain.duplicate()}, sealed[i].duplicate());
    }
    long bytes = 0;
    long start = System.nanoTime();
    long end = start + MEASURE_NANOS;
    long now;
    do {
      for (int i = 0; i < 16; i++) {
        out.clear();
        if (encrypt) {
          enc.encrypt(CipherState.nonce(counter++), empty, new ByteBuffer[] {plain.duplicate()}, out);
        } else {
          dec.decrypt(CipherState.nonce(i & 1), empty, new ByteBuffer[] {sealed[i & 1].duplicate()}, out);
        }
        bytes += FRAME;
      }
      now = System.nanoTime();
    } while (now < end);
    return bytes / ((now - start) / 1e9) / (1 << 20);
  }

  private static ByteBuffer alloc(int n, boolean direct) {
    return direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
  }
}
