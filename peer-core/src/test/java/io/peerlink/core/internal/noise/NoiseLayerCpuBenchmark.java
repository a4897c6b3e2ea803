package io.peerlink.core.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/**
 * The cost of the Noise transport layer over its cipher, in CPU time, so the figures hold on a
 * machine shared with other builds (JMH's {@code NoiseCipherStateBenchmark} measures wall time and
 * swings widely there). For each engine that loads (Conscrypt, the JDK) and 1 KiB and full 64 KiB
 * messages, interleaved over rounds: the engine's JCA {@code Cipher} raw on heap arrays (its
 * documented best case), and {@link TransportCipher} encrypting and decrypting pooled direct
 * {@code ByteBuf}s exactly as the handler does, length prefix included. A ratio above 1 means our
 * layer costs less CPU per byte than the raw engine (Conscrypt's array path copies every message
 * into an internal array; ours hands it direct memory).
 *
 * <p>Not part of the normal test run. Run it with
 * {@code mvn -B -o -pl peer-core test -Dtest=NoiseLayerCpuBenchmark -Dnetty.leak.level=disabled -Dsurefire.failIfNoSpecifiedTests=false};
 * the report goes to stdout and {@code peer-core/target/bench/noise-layer-cpu.txt}.
 */
class NoiseLayerCpuBenchmark {
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  private static final long CPU_NANOS = 400_000_000L;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @Test
  void transportCipherBesideTheRawEngine() throws Exception {
    byte[] key = new byte[32];
    ThreadLocalRandom.current().nextBytes(key);
    List<String> rows = new ArrayList<>();
    rows.add("MiB per CPU-second; in brackets, over the raw engine's encrypt");
    for (int round = 0; round < ROUNDS; round++) {
      for (ChaChaPolyProvider engine : new ChaChaPolyProvider[] {ChaChaPolyProvider.CONSCRYPT, ChaChaPolyProvider.JDK}) {
        if (!engine.isAvailable()) {
          rows.add(engine + ": not available here");
          continue;
        }
        for (int size : new int[] {1024, NoiseHandler.MAX_PLAINTEXT}) {
          rows.add(measure(round, engine, key, size));
        }
      }
    }
    String report = String.join("\n", rows) + "\n";
    System.out.print(report);
    Path out = Path.of("target", "bench", "noise-layer-cpu.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
  }

  private static String measure(int round, ChaChaPolyProvider engine, byte[] key, int size) throws Exception {
    Cipher raw = engine == ChaChaPolyProvider.CONSCRYPT
        ? Cipher.getInstance("ChaCha20/Poly1305/NoPadding", Conscrypt.newProvider())
        : Cipher.getInstance("ChaCha20-Poly1305");
    SecretKeySpec k = new SecretKeySpec(key, "ChaCha20");
    byte[] plainArray = new byte[size];
    byte[] outArray = new byte[size + 16];
    long[] rawNonce = {1L << 32};

    ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    ByteBuf plain = alloc.directBuffer(size).writeZero(size);
    ByteBuf wire = alloc.directBuffer(size + 18);
    ByteBuf back = alloc.directBuffer(size);
    // Two messages decrypted in turn: SunJCE refuses the same key and nonce twice in a row.
    ByteBuf[] sealed = {alloc.directBuffer(size + 18), alloc.directBuffer(size + 18)};
    TransportCipher sealer = new TransportCipher(new CipherState(engine, key));
    sealer.encryptMessage(plain, sealed[0]);
    sealer.encryptMessage(plain, sealed[1]);
    TransportCipher tx = new TransportCipher(new CipherState(engine, key));
    tx.state().setNonce(2);
    TransportCipher rx = new TransportCipher(new CipherState(engine, key));
    int[] turn = {0};
    try {
      double rawEnc = cpuMiBps(size, () -> {
        raw.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(CipherState.nonce(rawNonce[0]++)));
        raw.doFinal(plainArray, 0, size, outArray, 0);
      });
      double enc = cpuMiBps(size, () -> tx.encryptMessage(plain, wire.clear()));
      double dec = cpuMiBps(size, () -> {
        int t = turn[0]++ & 1;
        rx.state().setNonce(t);
        rx.decryptMessage(sealed[t], TransportCipher.LENGTH_PREFIX, size + 16, back.clear());
      });
      assertThat(back.readableBytes()).isEqualTo(size);
      return String.format(Locale.ROOT,
          "round %d %-9s %5d B: raw encrypt %7.0f | transport encrypt %7.0f (%.2f) | transport decrypt %7.0f (%.2f)",
          round, engine, size, rawEnc, enc, enc / rawEnc, dec, dec / rawEnc);
    } finally {
      plain.release();
      wire.release();
      back.release();
      sealed[0].release();
      sealed[1].release();
    }
  }

  private interface Op {
    void run() throws Exception;
  }

  /** Repeats {@code op} for about 0.4 s of this thread's CPU; MiB of {@code size} per CPU-second. */
  private static double cpuMiBps(int size, Op op) throws Exception {
    for (int i = 0; i < 200; i++) {
      op.run(); // warm-up
    }
    long start = THREADS.getCurrentThreadCpuTime();
    long bytes = 0;
    long used;
    do {
      for (int i = 0; i < 8; i++) {
        op.run();
        bytes += size;
      }
      used = THREADS.getCurrentThreadCpuTime() - start;
    } while (used < CPU_NANOS);
    return bytes / (used / 1e9) / (1 << 20);
  }
}
