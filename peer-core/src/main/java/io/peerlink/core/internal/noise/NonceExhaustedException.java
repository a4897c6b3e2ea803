package io.peerlink.core.internal.noise;

import java.security.GeneralSecurityException;

/**
 * A {@link CipherState}'s nonce reached 2^64-1, the value Noise reserves; the connection must be
 * closed because reusing a nonce would break ChaCha20-Poly1305.
 */
public final class NonceExhaustedException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public NonceExhaustedException() {
    super("Noise nonce exhausted (2^64-1 messages); the connection must be closed");
  }
}
