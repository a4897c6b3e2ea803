package io.peerlink.core.internal.noise;

import java.security.GeneralSecurityException;
import java.security.Provider;
import javax.crypto.Cipher;
import org.conscrypt.Conscrypt;

/**
 * BoringSSL's ChaCha20-Poly1305 through Conscrypt's JCA provider, if its native library loads on
 * this platform. The provider is used directly, never installed in {@code java.security.Security},
 * so the application's own JCA choices are untouched.
 */
final class ConscryptCiphers {
  private static final String TRANSFORMATION = "ChaCha20/Poly1305/NoPadding";
  private static final Provider PROVIDER;
  private static final String UNAVAILABLE;

  static {
    Provider provider = null;
    String why = null;
    try {
      if (Conscrypt.isAvailable()) {
        provider = Conscrypt.newProvider();
        Cipher.getInstance(TRANSFORMATION, provider); // fails here rather than per connection
      } else {
        why = "Conscrypt's native library did not load";
      }
    } catch (LinkageError | GeneralSecurityException | RuntimeException e) {
      provider = null;
      why = e.toString();
    }
    PROVIDER = provider;
    UNAVAILABLE = why;
  }

  private ConscryptCiphers() {}

  /** Whether the native engine can be used here. */
  static boolean available() {
    return PROVIDER != null;
  }

  /** Why it cannot, or null. */
  static String unavailableReason() {
    return UNAVAILABLE;
  }

  /** A new engine; only when {@link #available()}. */
  static Cipher newCipher() {
    try {
      return Cipher.getInstance(TRANSFORMATION, PROVIDER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Conscrypt lacks " + TRANSFORMATION, e);
    }
  }
}
