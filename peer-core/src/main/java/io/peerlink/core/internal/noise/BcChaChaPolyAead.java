package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.ShortBufferException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * ChaCha20-Poly1305 through BouncyCastle's lightweight engine, on arrays: heap buffers are read
 * and written where they are, anything else goes through the thread's {@link CipherScratch} array.
 */
final class BcChaChaPolyAead implements ChaChaPolyAead {
  private final KeyParameter key;
  private final ChaCha20Poly1305 engine = new ChaCha20Poly1305();

  BcChaChaPolyAead(byte[] key) {
    this.key = new KeyParameter(key.clone());
  }

  @Override
  public int encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, ByteBuffer out)
      throws GeneralSecurityException {
    engine.init(true, new AEADParameters(key, TAG_LENGTH * 8, nonce, ad));
    int n = run(plaintext, out, CipherScratch.remaining(plaintext) + TAG_LENGTH);
    CipherScratch.consume(plaintext);
    return n;
  }

  @Override
  public int decrypt(byte[] nonce, byte[] ad, ByteBuffer[] ciphertext, ByteBuffer out)
      throws GeneralSecurityException {
    int len = CipherScratch.remaining(ciphertext);
    if (len < TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext shorter than its tag");
    }
    engine.init(false, new AEADParameters(key, TAG_LENGTH * 8, nonce, ad));
    int n = run(ciphertext, out, len - TAG_LENGTH);
    CipherScratch.consume(ciphertext);
    return n;
  }

  /** Processes the parts into {@code out}, which receives exactly {@code outLen} bytes. */
  private int run(ByteBuffer[] parts, ByteBuffer out, int outLen) throws GeneralSecurityException {
    if (out.remaining() < outLen) {
      throw new ShortBufferException("need " + outLen + " bytes, have " + out.remaining());
    }
    byte[] outArr;
    int outOff;
    if (out.hasArray()) {
      outArr = out.array();
      outOff = out.arrayOffset() + out.position();
    } else {
      outArr = CipherScratch.array();
      outOff = 0;
    }
    try {
      int n = 0;
      for (ByteBuffer p : parts) {
        int len = p.remaining();
        if (p.hasArray()) {
          n += engine.processBytes(p.array(), p.arrayOffset() + p.position(), len, outArr, outOff + n);
        } else {
          byte[] in = new byte[len]; // rare: BouncyCastle is the fallback of a fallback
          p.get(p.position(), in, 0, len);
          n += engine.processBytes(in, 0, len, outArr, outOff + n);
        }
      }
      n += engine.doFinal(outArr, outOff + n);
      if (out.hasArray()) {
        out.position(out.position() + n);
      } else {
        out.put(outArr, 0, n);
      }
      return n;
    } catch (InvalidCipherTextException e) {
      throw new AEADBadTagException(e.getMessage());
    }
  }
}
