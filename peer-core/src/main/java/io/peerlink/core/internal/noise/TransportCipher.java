package io.peerlink.core.internal.noise;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;

/**
 * One direction of a Noise transport on {@link ByteBuf}s: a {@link CipherState} fed with the
 * buffers' own memory ({@code nioBuffers}: a composite's parts, a pooled buffer's slice), so the
 * engine decides what, if anything, to copy (see {@link ChaChaPolyAead}). With BoringSSL's engine
 * and direct buffers, a message that sits in one buffer is sealed or opened where it is. Not
 * thread-safe: one direction of one connection, on its event loop.
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
   * {@code plaintext}'s readable bytes (at most {@value NoiseHandler#MAX_PLAINTEXT}) and the tag.
   * {@code plaintext} is left unchanged.
   *
   * @return the bytes appended: {@code plaintext.readableBytes() + 18}
   */
  public int encryptMessage(ByteBuf plaintext, ByteBuf out) throws GeneralSecurityException {
    int len = plaintext.readableBytes();
    if (len > NoiseHandler.MAX_PLAINTEXT) {
      throw new IllegalArgumentException("plaintext of " + len + " bytes exceeds one Noise message");
    }
    out.ensureWritable(LENGTH_PREFIX + len + TAG);
    int start = out.writerIndex();
    out.setShort(start, len + TAG);
    ByteBuffer[] parts = plaintext.nioBufferCount() == 1
        ? new ByteBuffer[] {plaintext.nioBuffer()} : plaintext.nioBuffers();
    int n = state.encrypt(parts, out.nioBuffer(start + LENGTH_PREFIX, len + TAG));
    out.writerIndex(start + LENGTH_PREFIX + n);
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
    if (length > CipherScratch.LENGTH || length < TAG) {
      throw new AEADBadTagException("a Noise message of " + length + " bytes cannot authenticate");
    }
    if (out.writableBytes() < length - TAG) {
      throw new IllegalArgumentException("no room for " + (length - TAG) + " bytes of plaintext");
    }
    // A message that straddles two reads comes as two parts; neither is merged here.
    ByteBuffer[] parts = in.nioBufferCount() == 1
        ? new ByteBuffer[] {in.nioBuffer(index, length)} : in.nioBuffers(index, length);
    int n = state.decrypt(parts, out.nioBuffer(out.writerIndex(), length - TAG));
    out.writerIndex(out.writerIndex() + n);
    return n;
  }
}
