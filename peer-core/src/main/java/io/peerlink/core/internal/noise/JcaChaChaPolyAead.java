package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 through a JCA {@link Cipher}: the JDK's (SunJCE) or BoringSSL's (Conscrypt),
 * always on arrays and always one {@code doFinal} per message.
 *
 * <p>Both engines want the message whole: SunJCE decrypts without buffering only when the whole
 * ciphertext is handed to {@code doFinal} at offset 0 of its array (anything else goes through an
 * internal {@code ByteArrayOutputStream}), and Conscrypt buffers every {@code update} to seal or
 * open in one native call. So the plaintext parts are gathered into the output array and encrypted
 * there in place, and a ciphertext not already at offset 0 of an array is first copied into the
 * thread's {@link CipherScratch}.
 */
final class JcaChaChaPolyAead implements ChaChaPolyAead {
  private final SecretKeySpec key;
  private final Supplier<Cipher> ciphers;
  private Cipher cipher;

  JcaChaChaPolyAead(byte[] key, Supplier<Cipher> ciphers) {
    this.key = new SecretKeySpec(key, "ChaCha20");
    this.ciphers = ciphers;
    this.cipher = ciphers.get();
  }

  @Override
  public int encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, byte[] out, int outOff)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    if (plaintext.length == 1 && plaintext[0].hasArray()) {
      ByteBuffer p = plaintext[0];
      int n = cipher.doFinal(p.array(), p.arrayOffset() + p.position(), p.remaining(), out, outOff);
      p.position(p.limit());
      return n;
    }
    int len = 0;
    for (ByteBuffer part : plaintext) {
      int n = part.remaining();
      part.get(out, outOff + len, n);
      len += n;
    }
    return cipher.doFinal(out, outOff, len, out, outOff); // in place: both engines allow it
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
      in = len <= CipherScratch.LENGTH ? CipherScratch.get() : new byte[len];
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
      cipher = ciphers.get();
      throw e;
    }
    ciphertext.position(ciphertext.limit());
    return n;
  }
}
