package io.peerlink.core.internal.noise;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;

/**
 * Per-thread buffers, each the size of the largest Noise message, where a cipher engine gathers a
 * message that is not already where it works fastest: arrays for the JDK's and BouncyCastle's
 * engines, direct memory for BoringSSL's. Per thread rather than per connection, so idle
 * connections hold nothing: an event loop serves one message at a time, and no caller keeps a
 * buffer past one call.
 */
final class CipherScratch {
  /** Capacity of every scratch buffer: the largest Noise message. */
  static final int LENGTH = HandshakeState.MAX_MESSAGE_LENGTH;

  private static final FastThreadLocal<byte[]> ARRAY = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[LENGTH];
    }
  };
  private static final FastThreadLocal<ByteBuffer> DIRECT_IN = new FastThreadLocal<>() {
    @Override
    protected ByteBuffer initialValue() {
      return ByteBuffer.allocateDirect(LENGTH);
    }
  };
  private static final FastThreadLocal<ByteBuffer> DIRECT_OUT = new FastThreadLocal<>() {
    @Override
    protected ByteBuffer initialValue() {
      return ByteBuffer.allocateDirect(LENGTH);
    }
  };

  private CipherScratch() {}

  /** This thread's array of {@link #LENGTH} bytes. */
  static byte[] array() {
    return ARRAY.get();
  }

  /** This thread's direct buffer for input, cleared. */
  static ByteBuffer directIn() {
    return DIRECT_IN.get().clear();
  }

  /** This thread's direct buffer for output, cleared; never the same as {@link #directIn()}. */
  static ByteBuffer directOut() {
    return DIRECT_OUT.get().clear();
  }

  /** Total bytes remaining in {@code parts}. */
  static int remaining(ByteBuffer[] parts) {
    int n = 0;
    for (ByteBuffer p : parts) {
      n += p.remaining();
    }
    return n;
  }

  /**
   * Copies {@code parts} into {@code dst} from {@code off} without moving their positions (a failed
   * decryption must leave them where they were); returns the bytes copied.
   */
  static int gather(ByteBuffer[] parts, byte[] dst, int off) {
    int pos = off;
    for (ByteBuffer p : parts) {
      int n = p.remaining();
      p.get(p.position(), dst, pos, n);
      pos += n;
    }
    return pos - off;
  }

  /** Copies {@code parts} into {@code dst} at its position, advancing it but not theirs. */
  static void gather(ByteBuffer[] parts, ByteBuffer dst) {
    for (ByteBuffer p : parts) {
      dst.put(p.duplicate());
    }
  }

  /** Moves every part's position to its limit: the parts were consumed. */
  static void consume(ByteBuffer[] parts) {
    for (ByteBuffer p : parts) {
      p.position(p.limit());
    }
  }
}
