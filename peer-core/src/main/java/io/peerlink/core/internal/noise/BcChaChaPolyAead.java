package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * ChaCha20-Poly1305 through BouncyCastle's lightweight engine. The engine works on arrays, so
 * direct buffers go through a scratch array; heap buffers are processed in place.
 */
final class BcChaChaPolyAead implements ChaChaPolyAead {
  private final KeyParameter key;
  private final ChaCha20Poly1305 engine = new ChaCha20Poly1305();
  private byte[] scratchIn = new byte[0];
  private byte[] scratchOut = new byte[0];

  BcChaChaPolyAead(byte[] key) {
    this.key = new KeyParameter(key.clone());
  }

  @Override
  public void encrypt(byte[] nonce, byte[] ad, ByteBuffer plaintext, ByteBuffer out)
      throws GeneralSecurityException {
    engine.init(true, new AEADParameters(key, TAG_LENGTH * 8, nonce, ad));
    run(plaintext, out, plaintext.remaining() + TAG_LENGTH);
  }

  @Override
  public void encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, ByteBuffer out)
      throws GeneralSecurityException {
    if (plaintext.length == 1) {
      encrypt(nonce, ad, plaintext[0], out);
      return;
    }
    // The array engine needs one input; gather the parts (BC is not the default engine).
    int len = 0;
    for (ByteBuffer b : plaintext) {
      len += b.remaining();
    }
    ByteBuffer joined = ByteBuffer.allocate(len);
    for (ByteBuffer b : plaintext) {
      joined.put(b);
    }
    encrypt(nonce, ad, joined.flip(), out);
  }

  @Override
  public void decrypt(byte[] nonce, byte[] ad, ByteBuffer ciphertext, ByteBuffer out)
      throws GeneralSecurityException {
    if (ciphertext.remaining() < TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext shorter than its tag");
    }
    engine.init(false, new AEADParameters(key, TAG_LENGTH * 8, nonce, ad));
    run(ciphertext, out, ciphertext.remaining() - TAG_LENGTH);
  }

  private void run(ByteBuffer in, ByteBuffer out, int outLen) throws GeneralSecurityException {
    int inLen = in.remaining();
    if (out.remaining() < outLen) {
      throw new javax.crypto.ShortBufferException("need " + outLen + " bytes, have " + out.remaining());
    }
    byte[] inArr;
    int inOff;
    if (in.hasArray()) {
      inArr = in.array();
      inOff = in.arrayOffset() + in.position();
    } else {
      inArr = scratchIn = ensure(scratchIn, inLen);
      inOff = 0;
      in.duplicate().get(inArr, 0, inLen);
    }
    byte[] outArr;
    int outOff;
    boolean direct = !out.hasArray();
    if (direct) {
      outArr = scratchOut = ensure(scratchOut, outLen);
      outOff = 0;
    } else {
      outArr = out.array();
      outOff = out.arrayOffset() + out.position();
    }
    try {
      int n = engine.processBytes(inArr, inOff, inLen, outArr, outOff);
      n += engine.doFinal(outArr, outOff + n);
      if (direct) {
        out.put(outArr, 0, n);
      } else {
        out.position(out.position() + n);
      }
      in.position(in.position() + inLen);
    } catch (InvalidCipherTextException e) {
      throw new AEADBadTagException(e.getMessage());
    }
  }

  private static byte[] ensure(byte[] a, int len) {
    return a.length >= len ? a : new byte[Math.max(len, 1024)];
  }
}
