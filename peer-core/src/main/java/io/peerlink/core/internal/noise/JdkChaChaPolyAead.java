package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 through the JDK's {@code Cipher("ChaCha20-Poly1305")} (SunJCE), always on
 * arrays. SunJCE decrypts without buffering only when the whole ciphertext is handed to
 * {@code doFinal} at offset 0 of its array; anything else goes through an internal
 * {@code ByteArrayOutputStream}. So a ciphertext that is not already at offset 0 of a heap array
 * is first copied into the thread's {@link CipherScratch}; a ciphertext already there (the Noise
 * handler puts it there) is decrypted in place.
 */
final class JdkChaChaPolyAead implements ChaChaPolyAead {
  private final SecretKeySpec key;
  private Cipher cipher;

  JdkChaChaPolyAead(byte[] key) {
    this.key = new SecretKeySpec(key, "ChaCha20");
    this.cipher = newCipher();
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK lacks ChaCha20-Poly1305", e);
    }
  }

  @Override
  public int encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, byte[] out, int outOff)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    int pos = outOff;
    for (ByteBuffer part : plaintext) {
      int len = part.remaining();
      if (len == 0) {
        continue;
      }
      if (part.hasArray()) {
        pos += cipher.update(part.array(), part.arrayOffset() + part.position(), len, out, pos);
      } else {
        // Off-heap: copy into place and encrypt there (SunJCE encrypts in place correctly).
        part.duplicate().get(out, pos, len);
        pos += cipher.update(out, pos, len, out, pos);
      }
      part.position(part.limit());
    }
    return pos + cipher.doFinal(out, pos, 0, out, pos) - outOff;
  }

  @Override
  public int decrypt(byte[] nonce, byte[] ad, ByteBuffer ciphertext, byte[] out, int outOff)
      throws GeneralSecurityException {
    int len = ciphertext.remaining();
    if (len < TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext shorter than its tag");
    }
    byte[] in;
    if (ciphertext.hasArray() && ciphertext.arrayOffset() + ciphertext.position() == 0) {
      in = ciphertext.array();
    } else {
      in = scratch(len);
      ciphertext.duplicate().get(in, 0, len);
    }
    cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    int n;
    try {
      n = cipher.doFinal(in, 0, len, out, outOff);
    } catch (GeneralSecurityException e) {
      // SunJCE refuses to be initialised twice in a row with the same key and nonce, even to
      // decrypt; Noise keeps the nonce after a failed decryption, so a retry needs a fresh engine.
      cipher = newCipher();
      throw e;
    }
    ciphertext.position(ciphertext.limit());
    return n;
  }

  private static byte[] scratch(int len) {
    // Noise messages never exceed the scratch; only a caller of the array API could pass more.
    return len <= CipherScratch.LENGTH ? CipherScratch.get() : new byte[len];
  }
}
