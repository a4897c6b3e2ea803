package io.peerlink.core.internal.noise;

import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the ChaCha20-Poly1305 engine every {@link CipherState} uses. The default is the fastest
 * that works here: BoringSSL's through Conscrypt where its native library loads, otherwise the
 * JDK's. On OpenJDK 17.0.15 (x86-64, 2 shared cores), 64 KiB messages, per CPU-second: Conscrypt
 * about 1,750 MiB, the JDK about 270 MiB, BouncyCastle 1.82 about 120 MiB (JDK 20 and later add
 * ChaCha20 and Poly1305 intrinsics: JDK 25 ran the JDK engine at about 2,600 MiB). The system
 * property {@code peerlink.noise.cipher} ({@code conscrypt}, {@code jdk} or {@code bc}) overrides
 * the default; the choice is logged once, at INFO.
 */
public enum ChaChaPolyProvider {
  /** BoringSSL's engine through Conscrypt (native); available where its library loads. */
  CONSCRYPT(ConscryptChaChaPolyAead::new),
  /** The JDK's SunJCE engine. */
  JDK(JdkChaChaPolyAead::new),
  /** BouncyCastle's lightweight engine. */
  BOUNCY_CASTLE(BcChaChaPolyAead::new);

  private static final Logger log = LoggerFactory.getLogger(ChaChaPolyProvider.class);

  private final Function<byte[], ChaChaPolyAead> factory;

  ChaChaPolyProvider(Function<byte[], ChaChaPolyAead> factory) {
    this.factory = factory;
  }

  /** Whether this engine can run here (only Conscrypt's may not: it needs its native library). */
  public boolean isAvailable() {
    return this != CONSCRYPT || ConscryptCiphers.available();
  }

  /**
   * A new engine bound to the 32-byte {@code key}.
   *
   * @throws IllegalStateException if this engine is not {@linkplain #isAvailable() available}
   */
  public ChaChaPolyAead create(byte[] key) {
    if (!isAvailable()) {
      throw new IllegalStateException(this + " is not available: " + ConscryptCiphers.unavailableReason());
    }
    return factory.apply(key);
  }

  /** The provider in force: the system property if set, otherwise the fastest available. */
  public static ChaChaPolyProvider defaultProvider() {
    return Default.PROVIDER;
  }

  /** Decided once, on first use, and logged. */
  private static final class Default {
    static final ChaChaPolyProvider PROVIDER = choose();

    private static ChaChaPolyProvider choose() {
      String p = System.getProperty("peerlink.noise.cipher", "");
      ChaChaPolyProvider chosen;
      if (p.equalsIgnoreCase("jdk")) {
        chosen = JDK;
      } else if (p.equalsIgnoreCase("bc")) {
        chosen = BOUNCY_CASTLE;
      } else if (p.equalsIgnoreCase("conscrypt") && CONSCRYPT.isAvailable()) {
        chosen = CONSCRYPT;
      } else if (p.equalsIgnoreCase("conscrypt")) {
        log.warn("Noise ChaCha20-Poly1305: Conscrypt was asked for but is not available ({}); using the JDK's",
            ConscryptCiphers.unavailableReason());
        return JDK;
      } else {
        chosen = CONSCRYPT.isAvailable() ? CONSCRYPT : JDK;
      }
      if (chosen == JDK && !CONSCRYPT.isAvailable()) {
        log.info("Noise ChaCha20-Poly1305: the JDK's engine (Conscrypt unavailable: {})",
            ConscryptCiphers.unavailableReason());
      } else {
        log.info("Noise ChaCha20-Poly1305: {}", chosen == CONSCRYPT ? "BoringSSL through Conscrypt (native)"
            : chosen == JDK ? "the JDK's engine" : "BouncyCastle's engine");
      }
      return chosen;
    }
  }
}
