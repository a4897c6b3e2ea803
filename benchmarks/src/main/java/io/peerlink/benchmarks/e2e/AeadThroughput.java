package io.peerlink.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.conscrypt.Conscrypt;

/**
 * The JDK's own AEAD speed on one core, on 64 KiB frames (a Noise message's size): the ceiling a
 * secure channel using that cipher can reach on this machine, measured in the same run as the
 * transfers it is compared with. SunJCE is named explicitly, so a provider peerlink registers
 * cannot stand in; {@link Aead#CHACHA20_POLY1305_NATIVE} measures the native engine peerlink's
 * Noise runs on, which is the fair ceiling for peerlink's own figures.
 *
 * <p>Timed in this thread's CPU time, not wall time: on a machine shared with other work the
 * thread is descheduled now and then, and CPU time is also what a relay's cost per MiB is read in.
 */
final class AeadThroughput {
  /** 64 KiB frames. */
  static final int FRAME = 64 * 1024;

  /** An AEAD: its JCA name, key length in bytes, and whose implementation (SunJCE unless named). */
  enum Aead {
    CHACHA20_POLY1305("ChaCha20-Poly1305", "ChaCha20", 32),
    /** BoringSSL's ChaCha20-Poly1305 through Conscrypt: what peerlink's Noise runs where it loads. */
    CHACHA20_POLY1305_NATIVE("ChaCha20/Poly1305/NoPadding", "ChaCha20", 32),
    AES_128_GCM("AES/GCM/NoPadding", "AES", 16),
    AES_256_GCM("AES/GCM/NoPadding", "AES", 32);

    final String transformation;
    final String keyAlgorithm;
    final int keyBytes;

    Aead(String transformation, String keyAlgorithm, int keyBytes) {
      this.transformation = transformation;
      this.keyAlgorithm = keyAlgorithm;
      this.keyBytes = keyBytes;
    }

    boolean chacha() {
      return this == CHACHA20_POLY1305 || this == CHACHA20_POLY1305_NATIVE;
    }

    Cipher cipher() throws GeneralSecurityException {
      return this == CHACHA20_POLY1305_NATIVE
          ? Cipher.getInstance(transformation, Conscrypt.newProvider())
          : Cipher.getInstance(transformation, "SunJCE");
    }

    /** The AEAD of a TLS 1.3 cipher suite. */
    static Aead ofTlsSuite(String suite) {
      if (suite.contains("CHACHA20")) {
        return CHACHA20_POLY1305;
      }
      return suite.contains("AES_256") ? AES_256_GCM : AES_128_GCM;
    }
  }

  /** Encrypt and decrypt speed, MiB/s of plaintext. */
  record Rates(double encryptMiBps, double decryptMiBps) {
    /** Milliseconds of one core to decrypt and then encrypt one MiB: what a relay must do per MiB. */
    double msPerMiBDecryptPlusEncrypt() {
      return 1000 / encryptMiBps + 1000 / decryptMiBps;
    }

    /** The slower direction: a one-way transfer needs both, on different cores. */
    double slowerMiBps() {
      return Math.min(encryptMiBps, decryptMiBps);
    }
  }

  private AeadThroughput() {}

  /** Encrypts, then decrypts, {@code bytes} in 64 KiB frames on this thread, after a short untimed pass. */
  static Rates measure(Aead aead, long bytes) throws GeneralSecurityException {
    run(aead, Math.min(bytes, 16L << 20)); // JIT: the timed pass should see the compiled cipher
    return run(aead, bytes);
  }

  private static Rates run(Aead aead, long bytes) throws GeneralSecurityException {
    SecureRandom random = new SecureRandom();
    byte[] keyBytes = new byte[aead.keyBytes];
    random.nextBytes(keyBytes);
    SecretKeySpec key = new SecretKeySpec(keyBytes, aead.keyAlgorithm);
    Cipher cipher = aead.cipher();
    byte[] plain = new byte[FRAME];
    random.nextBytes(plain);
    byte[] sealed = new byte[FRAME + 16];
    byte[] opened = new byte[FRAME + 16];
    long frames = Math.max(1, bytes / FRAME);

    byte[] nonce = new byte[12];
    long counter = 0;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long t0 = cpu.getCurrentThreadCpuTime();
    for (long i = 0; i < frames; i++) {
      // A fresh nonce per frame, as a transport does (the JDK refuses to reuse one for encryption).
      nextNonce(nonce, ++counter);
      cipher.init(Cipher.ENCRYPT_MODE, key, params(aead, nonce));
      cipher.doFinal(plain, 0, FRAME, sealed, 0);
    }
    long encryptNanos = cpu.getCurrentThreadCpuTime() - t0;

    // Two frames sealed under different nonces, opened alternately: the JDK refuses to initialise
    // ChaCha20-Poly1305 twice in a row with the same key and nonce, even to decrypt.
    byte[][] frames2 = new byte[2][FRAME + 16];
    AlgorithmParameterSpec[] nonces = new AlgorithmParameterSpec[2];
    for (int i = 0; i < 2; i++) {
      nextNonce(nonce, ++counter);
      nonces[i] = params(aead, nonce);
      cipher.init(Cipher.ENCRYPT_MODE, key, nonces[i]);
      cipher.doFinal(plain, 0, FRAME, frames2[i], 0);
    }
    t0 = cpu.getCurrentThreadCpuTime();
    for (long i = 0; i < frames; i++) {
      int k = (int) (i & 1);
      cipher.init(Cipher.DECRYPT_MODE, key, nonces[k]);
      cipher.doFinal(frames2[k], 0, FRAME + 16, opened, 0);
    }
    long decryptNanos = cpu.getCurrentThreadCpuTime() - t0;
    double mib = frames * (double) FRAME / (1 << 20);
    return new Rates(mib / (encryptNanos / 1e9), mib / (decryptNanos / 1e9));
  }

  private static AlgorithmParameterSpec params(Aead aead, byte[] nonce) {
    return aead.chacha() ? new IvParameterSpec(nonce.clone()) : new GCMParameterSpec(128, nonce.clone());
  }

  private static void nextNonce(byte[] nonce, long counter) {
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (counter >>> (8 * i));
    }
  }
}
