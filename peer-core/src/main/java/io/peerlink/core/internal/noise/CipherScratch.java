package io.peerlink.core.internal.noise;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * One array per thread, the size of the largest Noise message, where the cipher works when the
 * bytes are not in a heap array it can use in place: SunJCE's ChaCha20-Poly1305 is fast only on
 * arrays (its ByteBuffer path copies through temporary arrays), and it decrypts without buffering
 * only from offset 0 of an array. Per thread rather than per connection, so idle connections hold
 * nothing: an event loop serves one message at a time, and no caller keeps the array past a call.
 */
final class CipherScratch {
  /** Length of every scratch array: the largest Noise message. */
  static final int LENGTH = HandshakeState.MAX_MESSAGE_LENGTH;

  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[LENGTH];
    }
  };

  private CipherScratch() {}

  /** This thread's array of {@link #LENGTH} bytes. */
  static byte[] get() {
    return SCRATCH.get();
  }
}
