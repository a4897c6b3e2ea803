package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * One ChaCha20-Poly1305 (RFC 8439, 96-bit nonce) engine: the Noise {@code ChaChaPoly} cipher
 * function. An instance is bound to one key and is not thread-safe; a {@link CipherState} owns one.
 *
 * <p>Output goes to arrays because both engines work on arrays: the JDK's ByteBuffer path copies
 * direct buffers through temporary arrays and, when decrypting, through a growing
 * {@code ByteArrayOutputStream}, which a profile of the Noise data path showed as nearly all of its
 * allocation. Callers write into the backing array of a heap {@code ByteBuf}.
 *
 * <p>Implementations are swappable (see {@link ChaChaPolyProvider}) because the JDK's and
 * BouncyCastle's engines perform differently across JDK versions.
 */
public interface ChaChaPolyAead {

  /** Length of the Poly1305 tag appended to every ciphertext. */
  int TAG_LENGTH = 16;

  /**
   * Encrypts the concatenation of {@code plaintext}'s buffers (each from its position to its limit)
   * into {@code out} at {@code outOff}, ciphertext then tag, and advances the buffers' positions.
   * Taking the parts of a gathered write one by one avoids joining them into one buffer first.
   *
   * @param nonce the 12-byte RFC 8439 nonce
   * @param ad associated data, may be empty
   * @return the number of bytes written: the plaintext length plus {@link #TAG_LENGTH}
   */
  int encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, byte[] out, int outOff)
      throws GeneralSecurityException;

  /**
   * Decrypts and authenticates {@code ciphertext} (from its position to its limit: ciphertext then
   * tag) into {@code out} at {@code outOff}, and advances its position. Nothing meaningful is left
   * in {@code out} when the tag does not verify.
   *
   * @return the number of plaintext bytes written
   * @throws javax.crypto.AEADBadTagException if the tag does not verify
   */
  int decrypt(byte[] nonce, byte[] ad, ByteBuffer ciphertext, byte[] out, int outOff)
      throws GeneralSecurityException;
}
