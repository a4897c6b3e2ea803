package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * ChaCha20-Poly1305 through BouncyCastle's lightweight engine. The engine works on arrays: heap
 * buffers are processed where they are, direct ones through a scratch array.
 */
final class BcChaChaPolyAead implements ChaChaPolyAead {
  private final KeyParameter key;
  private final ChaCha20Poly1305 engine = new ChaCha20Poly1305();
  private byte[] scratch = new byte[0];

  BcChaChaPolyAead(byte[] key) {
    this.key = new KeyParameter(key.clone());
  }

  @Override
  public int encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, byte[] out, int outOff)
      throws GeneralSecurityException {
    engine.init(true, new AEADParameters(key, TAG_LENGTH * 8, nonce, ad));
    int pos = outOff;
    try {
      for (ByteBuffer part : plaintext) {
        pos += process(part, out, pos);
      }
      return pos + engine.doFinal(out, pos) - outOff;
    } catch (InvalidCipherTextException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  @Override
  public int decrypt(byte[] nonce, byte[] ad, ByteBuffer ciphertext, byte[] out, int outOff)
      throws GeneralSecurityException {
    if (ciphertext.remaining() < TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext shorter than its tag");
    }
    engine.init(false, new AEADParameters(key, TAG_LENGTH * 8, nonce, ad));
    try {
      int n = process(ciphertext, out, outOff);
      return n + engine.doFinal(out, outOff + n);
    } catch (InvalidCipherTextException e) {
      throw new AEADBadTagException(e.getMessage());
    }
  }

  private int process(ByteBuffer in, byte[] out, int outOff) {
    int len = in.remaining();
    int n;
    if (in.hasArray()) {
      n = engine.processBytes(in.array(), in.arrayOffset() + in.position(), len, out, outOff);
    } else {
      if (scratch.length < len) {
        scratch = new byte[Math.max(len, 1024)];
      }
      in.duplicate().get(scratch, 0, len);
      n = engine.processBytes(scratch, 0, len, out, outOff);
    }
    in.position(in.limit());
    return n;
  }
}
