package io.peerlink.core.internal.noise;

import java.util.function.Function;

/**
 * Chooses the ChaCha20-Poly1305 engine every {@link CipherState} uses. The default is the one the
 * benchmark in {@code ChaChaPolyThroughputBenchmark} found faster for 64 KiB frames: on OpenJDK 17.0.15
 * (x86-64, 2 shared cores) the JDK engine ran at about 210 MiB/s encrypt and 200-225 MiB/s decrypt,
 * BouncyCastle 1.82 at about 117 MiB/s encrypt and 75 MiB/s decrypt, heap or direct buffers alike.
 * Newer JDKs add ChaCha20/Poly1305 intrinsics, so the gap only grows. The system property
 * {@code peerlink.noise.cipher} ({@code jdk} or {@code bc}) overrides the default.
 */
public enum ChaChaPolyProvider {
  /** The JDK's SunJCE engine. */
  JDK(JdkChaChaPolyAead::new),
  /** BouncyCastle's lightweight engine. */
  BOUNCY_CASTLE(BcChaChaPolyAead::new);

  private final Function<byte[], ChaChaPolyAead> factory;

  ChaChaPolyProvider(Function<byte[], ChaChaPolyAead> factory) {
    this.factory = factory;
  }

  /** A new engine bound to the 32-byte {@code key}. */
  public ChaChaPolyAead create(byte[] key) {
    return factory.apply(key);
  }

  /** The provider in force: the system property if set, otherwise the measured default. */
  public static ChaChaPolyProvider defaultProvider() {
    String p = System.getProperty("peerlink.noise.cipher", "");
    if (p.equalsIgnoreCase("jdk")) {
      return JDK;
    }
    if (p.equalsIgnoreCase("bc")) {
      return BOUNCY_CASTLE;
    }
    return DEFAULT;
  }

  // Decided by measurement; see the class Javadoc.
  private static final ChaChaPolyProvider DEFAULT = JDK;
}
