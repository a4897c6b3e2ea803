package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * One ChaCha20-Poly1305 (RFC 8439, 96-bit nonce) engine: the Noise {@code ChaChaPoly} cipher
 * function. An instance is bound to one key and is not thread-safe; a {@link CipherState} owns one.
 *
 * <p>Messages come and go as {@link ByteBuffer}s, whole or in parts (the parts of a composite
 * buffer), and each implementation moves them to where its engine is fast without copying what it
 * need not: the JDK's and BouncyCastle's engines on arrays, BoringSSL's (Conscrypt) on direct
 * memory. The JDK's own {@code ByteBuffer} path was the worst of all: it copies direct buffers
 * through temporary arrays and, when decrypting, a growing {@code ByteArrayOutputStream}.
 *
 * <p>Implementations are swappable (see {@link ChaChaPolyProvider}) because the engines perform
 * differently across platforms and JDK versions.
 */
public interface ChaChaPolyAead {

  /** Length of the Poly1305 tag appended to every ciphertext. */
  int TAG_LENGTH = 16;

  /**
   * Encrypts the concatenation of {@code plaintext}'s buffers (each from its position to its limit;
   * at most 65519 bytes in all) into {@code out} at its position,
   * ciphertext then tag, and advances all positions.
   *
   * @param nonce the 12-byte RFC 8439 nonce
   * @param ad associated data, may be empty
   * @return the number of bytes written: the plaintext length plus {@link #TAG_LENGTH}
   */
  int encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, ByteBuffer out)
      throws GeneralSecurityException;

  /**
   * Decrypts and authenticates the concatenation of {@code ciphertext}'s buffers (one message:
   * ciphertext then tag, at most {@link HandshakeState#MAX_MESSAGE_LENGTH} bytes) into {@code out} at its
   * position, and advances all positions. When the tag does not verify, nothing meaningful is
   * left in {@code out} and no position moves.
   *
   * @return the number of plaintext bytes written
   * @throws javax.crypto.AEADBadTagException if the tag does not verify
   */
  int decrypt(byte[] nonce, byte[] ad, ByteBuffer[] ciphertext, ByteBuffer out)
      throws GeneralSecurityException;
}
