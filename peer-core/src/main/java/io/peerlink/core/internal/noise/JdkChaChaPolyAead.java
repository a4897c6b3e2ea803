package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 through the JDK's {@code Cipher("ChaCha20-Poly1305")} (SunJCE), always on
 * arrays and one {@code doFinal} per message. SunJCE decrypts without buffering only when the
 * whole ciphertext is handed to {@code doFinal} at offset 0 of its array (anything else goes
 * through an internal {@code ByteArrayOutputStream}), so a message is gathered into the thread's
 * {@link CipherScratch} array and decrypted from there; it encrypts in place.
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
  public int encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, ByteBuffer out)
      throws GeneralSecurityException {
    int len = CipherScratch.remaining(plaintext);
    if (out.remaining() < len + TAG_LENGTH) {
      throw new ShortBufferException("need " + (len + TAG_LENGTH) + " bytes, have " + out.remaining());
    }
    cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    int n;
    if (out.hasArray()) {
      int off = out.arrayOffset() + out.position();
      if (plaintext.length == 1 && plaintext[0].hasArray()) {
        ByteBuffer p = plaintext[0];
        n = cipher.doFinal(p.array(), p.arrayOffset() + p.position(), len, out.array(), off);
      } else {
        CipherScratch.gather(plaintext, out.array(), off);
        n = cipher.doFinal(out.array(), off, len, out.array(), off); // in place
      }
      out.position(out.position() + n);
    } else {
      byte[] scratch = CipherScratch.array();
      CipherScratch.gather(plaintext, scratch, 0);
      n = cipher.doFinal(scratch, 0, len, scratch, 0);
      out.put(scratch, 0, n);
    }
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
    if (out.remaining() < len - TAG_LENGTH) {
      throw new ShortBufferException("need " + (len - TAG_LENGTH) + " bytes, have " + out.remaining());
    }
    byte[] in;
    ByteBuffer first = ciphertext.length == 1 ? ciphertext[0] : null;
    if (first != null && first.hasArray() && first.arrayOffset() + first.position() == 0) {
      in = first.array();
    } else {
      in = len <= CipherScratch.LENGTH ? CipherScratch.array() : new byte[len];
      CipherScratch.gather(ciphertext, in, 0);
    }
    cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    int n;
    try {
      if (out.hasArray()) {
        n = cipher.doFinal(in, 0, len, out.array(), out.arrayOffset() + out.position());
        out.position(out.position() + n);
      } else {
        n = cipher.doFinal(in, 0, len, in, 0); // in place: the tag is checked before decrypting
        out.put(in, 0, n);
      }
    } catch (GeneralSecurityException e) {
      // SunJCE refuses to be initialised twice in a row with the same key and nonce, even to
      // decrypt; Noise keeps the nonce after a failed decryption, so a retry needs a fresh engine.
      cipher = newCipher();
      throw e;
    }
    CipherScratch.consume(ciphertext);
    return n;
  }
}
