package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * One ChaCha20-Poly1305 (RFC 8439, 96-bit nonce) engine: the Noise {@code ChaChaPoly} cipher
 * function. An instance is bound to one key and is not thread-safe; a {@link CipherState} owns one.
 *
 * <p>Implementations are swappable (see {@link ChaChaPolyProvider}) because the JDK's and
 * BouncyCastle's engines perform differently across JDK versions.
 */
public interface ChaChaPolyAead {

  /** Length of the Poly1305 tag appended to every ciphertext. */
  int TAG_LENGTH = 16;

  /**
   * Encrypts {@code plaintext} (from its position to its limit) into {@code out} (ciphertext then tag),
   * advancing both buffers' positions.
   *
   * @param nonce the 12-byte RFC 8439 nonce
   * @param ad associated data, may be empty
   */
  void encrypt(byte[] nonce, byte[] ad, ByteBuffer plaintext, ByteBuffer out)
      throws GeneralSecurityException;

  /**
   * Encrypts the concatenation of {@code plaintext}'s buffers into {@code out}, advancing all
   * positions: what a gathering write of a composite buffer needs, without first copying it into one.
   */
  void encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, ByteBuffer out)
      throws GeneralSecurityException;

  /**
   * Decrypts and authenticates {@code ciphertext} (ciphertext then tag) into {@code out}, advancing
   * both buffers' positions. Nothing meaningful is left in {@code out} when the tag does not verify.
   *
   * @throws javax.crypto.AEADBadTagException if the tag does not verify
   */
  void decrypt(byte[] nonce, byte[] ad, ByteBuffer ciphertext, ByteBuffer out)
      throws GeneralSecurityException;
}
