package io.peerlink.core.internal.noise;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * One direction of a Noise transport on {@link ByteBuf}s: a {@link CipherState} plus the moves that
 * get bytes to and from the arrays the cipher works on, through the thread's {@link CipherScratch}.
 * Encrypting reads heap parts where they are and writes into a heap {@code out} directly; decrypting
 * first copies the message to the scratch. With direct buffers (the default allocator's) a message
 * costs one copy in and one copy out, and no allocation. Not thread-safe: one direction of one
 * connection, on its event loop.
 */
public final class TransportCipher {
  /** The u16 big-endian length before every Noise message. */
  public static final int LENGTH_PREFIX = 2;

  private static final int TAG = ChaChaPolyAead.TAG_LENGTH;

  private final CipherState state;

  /** Wraps a keyed cipher state (one of {@link HandshakeState#sender()} and {@link HandshakeState#receiver()}). */
  public TransportCipher(CipherState state) {
    if (!state.hasKey()) {
      throw new IllegalArgumentException("a transport cipher needs a keyed CipherState");
    }
    this.state = state;
  }

  /** The cipher state; its nonce counts the messages so far. */
  public CipherState state() {
    return state;
  }

  /**
   * Appends one whole message to {@code out}: the length prefix, then the encryption of
   * {@code plaintext}'s readable bytes (at most {@value NoiseHandler#MAX_PLAINTEXT}; a composite
   * buffer's parts are read where they are) and the tag. {@code plaintext} is left unchanged.
   *
   * @return the bytes appended: {@code plaintext.readableBytes() + 18}
   */
  public int encryptMessage(ByteBuf plaintext, ByteBuf out) throws GeneralSecurityException {
    int len = plaintext.readableBytes();
    if (len > NoiseHandler.MAX_PLAINTEXT) {
      throw new IllegalArgumentException("plaintext of " + len + " bytes exceeds one Noise message");
    }
    out.ensureWritable(LENGTH_PREFIX + len + TAG);
    out.writeShort(len + TAG);
    ByteBuffer[] parts = plaintext.nioBufferCount() == 1
        ? new ByteBuffer[] {plaintext.nioBuffer()} : plaintext.nioBuffers();
    int n;
    if (out.hasArray()) {
      n = state.encrypt(parts, out.array(), out.arrayOffset() + out.writerIndex());
      out.writerIndex(out.writerIndex() + n);
    } else {
      byte[] scratch = CipherScratch.get();
      n = state.encrypt(parts, scratch, 0);
      out.writeBytes(scratch, 0, n);
    }
    return LENGTH_PREFIX + n;
  }

  /**
   * Decrypts the message body (ciphertext and tag, without the length prefix) at
   * {@code in[index, index + length)} and appends the plaintext to {@code out}, which must have
   * room for it. {@code in}'s indexes are left unchanged; a message that fails authentication
   * leaves {@code out}'s writer index unchanged and the nonce unused.
   *
   * @return the plaintext bytes appended: {@code length - 16}
   * @throws javax.crypto.AEADBadTagException if the message does not authenticate
   */
  public int decryptMessage(ByteBuf in, int index, int length, ByteBuf out) throws GeneralSecurityException {
    if (length > CipherScratch.LENGTH) {
      throw new IllegalArgumentException("message of " + length + " bytes exceeds one Noise message");
    }
    // Offset 0 of the scratch: SunJCE's only unbuffered case. getBytes also gathers a message
    // that straddles the parts of a composite cumulation.
    byte[] scratch = CipherScratch.get();
    in.getBytes(index, scratch, 0, length);
    ByteBuffer ciphertext = ByteBuffer.wrap(scratch, 0, length);
    int n;
    if (out.hasArray()) {
      n = state.decrypt(ciphertext, out.array(), out.arrayOffset() + out.writerIndex());
    } else {
      n = state.decrypt(ciphertext, scratch, 0); // in place: the tag is checked before decrypting
      out.setBytes(out.writerIndex(), scratch, 0, n);
    }
    out.writerIndex(out.writerIndex() + n);
    return n;
  }
}
