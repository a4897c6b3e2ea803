package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;

/**
 * The Noise {@code CipherState} for {@code ChaChaPoly}: a key and a 64-bit message counter used as
 * the nonce. Before a key is set (start of a handshake) encryption is the identity function.
 *
 * <p>The RFC 8439 nonce is 4 zero bytes followed by the counter in <em>little-endian</em> order
 * (Noise spec section 12.4). The counter is unsigned; 2^64-1 is reserved, so the state refuses to
 * use it. Not thread-safe: one direction of one connection, driven from its event loop.
 */
public final class CipherState {
  /** The reserved nonce 2^64-1 as an unsigned long. */
  static final long MAX_NONCE = -1L;

  private static final byte[] EMPTY = new byte[0];

  private final ChaChaPolyProvider provider;
  private ChaChaPolyAead aead;
  private long n;

  /** An empty state (no key) using {@code provider}'s engine once a key is set. */
  public CipherState(ChaChaPolyProvider provider) {
    this.provider = provider;
  }

  /** A keyed state, as {@link SymmetricState#split()} returns. */
  public CipherState(ChaChaPolyProvider provider, byte[] key) {
    this(provider);
    initializeKey(key);
  }

  /** Noise {@code InitializeKey}: sets the 32-byte key and resets the nonce to zero. */
  public void initializeKey(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("ChaChaPoly key must be 32 bytes, got " + key.length);
    }
    this.aead = provider.create(key);
    this.n = 0;
  }

  /** Whether a key has been set. */
  public boolean hasKey() {
    return aead != null;
  }

  /** The next nonce to use (unsigned). */
  public long nonce() {
    return n;
  }

  /**
   * Noise {@code SetNonce}: sets the next nonce. Peers never need it on a connection (the nonce
   * only counts up); tests of the exhaustion rule and benchmarks that replay ciphertexts do.
   */
  public void setNonce(long nonce) {
    this.n = nonce;
  }

  /**
   * Encrypts the concatenation of {@code plaintext}'s buffers into {@code out} at its position with
   * associated data {@code ad}; writes their length plus 16 bytes, advances all positions and
   * increments the nonce.
   *
   * @return the number of bytes written
   * @throws NonceExhaustedException if the nonce reached 2^64-1
   */
  public int encryptWithAd(byte[] ad, ByteBuffer[] plaintext, ByteBuffer out)
      throws GeneralSecurityException {
    requireKey();
    return aead.encrypt(nextNonce(), ad, plaintext, out);
  }

  /**
   * Decrypts the message made of {@code ciphertext}'s buffers (tag included) into {@code out} at its
   * position, writing 16 bytes fewer, and increments the nonce only on success.
   *
   * @return the number of plaintext bytes written
   * @throws javax.crypto.AEADBadTagException if authentication fails
   * @throws NonceExhaustedException if the nonce reached 2^64-1
   */
  public int decryptWithAd(byte[] ad, ByteBuffer[] ciphertext, ByteBuffer out)
      throws GeneralSecurityException {
    requireKey();
    if (n == MAX_NONCE) {
      throw new NonceExhaustedException();
    }
    // Noise: a failed decryption must not advance the nonce.
    int written = aead.decrypt(nonce(n), ad, ciphertext, out);
    n++;
    return written;
  }

  /** Array form of {@link #encryptWithAd(byte[], ByteBuffer[], ByteBuffer)}; identity without a key. */
  public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws GeneralSecurityException {
    if (!hasKey()) {
      return plaintext.clone();
    }
    byte[] out = new byte[plaintext.length + ChaChaPolyAead.TAG_LENGTH];
    encryptWithAd(ad, new ByteBuffer[] {ByteBuffer.wrap(plaintext)}, ByteBuffer.wrap(out));
    return out;
  }

  /** Array form of {@link #decryptWithAd(byte[], ByteBuffer[], ByteBuffer)}; identity without a key. */
  public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws GeneralSecurityException {
    if (!hasKey()) {
      return ciphertext.clone();
    }
    if (ciphertext.length < ChaChaPolyAead.TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext shorter than its tag");
    }
    byte[] out = new byte[ciphertext.length - ChaChaPolyAead.TAG_LENGTH];
    decryptWithAd(ad, new ByteBuffer[] {ByteBuffer.wrap(ciphertext)}, ByteBuffer.wrap(out));
    return out;
  }

  /** Transport-phase encryption (empty associated data) of the concatenation of {@code plaintext}'s buffers. */
  public int encrypt(ByteBuffer[] plaintext, ByteBuffer out) throws GeneralSecurityException {
    return encryptWithAd(EMPTY, plaintext, out);
  }

  /** Transport-phase decryption (empty associated data) of the message made of {@code ciphertext}'s buffers. */
  public int decrypt(ByteBuffer[] ciphertext, ByteBuffer out) throws GeneralSecurityException {
    return decryptWithAd(EMPTY, ciphertext, out);
  }

  private byte[] nextNonce() throws NonceExhaustedException {
    if (n == MAX_NONCE) {
      throw new NonceExhaustedException();
    }
    return nonce(n++);
  }

  private void requireKey() {
    if (aead == null) {
      throw new IllegalStateException("CipherState has no key");
    }
  }

  /** The 12-byte RFC 8439 nonce for counter {@code n}: 4 zero bytes, then {@code n} little-endian. */
  static byte[] nonce(long n) {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (n >>> (8 * i));
    }
    return nonce;
  }
}
