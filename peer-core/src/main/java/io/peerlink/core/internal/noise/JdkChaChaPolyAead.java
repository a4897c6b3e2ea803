package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** ChaCha20-Poly1305 through the JDK's {@code Cipher("ChaCha20-Poly1305")} (SunJCE). */
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
  public void encrypt(byte[] nonce, byte[] ad, ByteBuffer plaintext, ByteBuffer out)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    cipher.doFinal(plaintext, out);
  }

  @Override
  public void encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, ByteBuffer out)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    for (int i = 0; i < plaintext.length - 1; i++) {
      cipher.update(plaintext[i], out);
    }
    cipher.doFinal(plaintext.length == 0 ? ByteBuffer.allocate(0) : plaintext[plaintext.length - 1], out);
  }

  @Override
  public void decrypt(byte[] nonce, byte[] ad, ByteBuffer ciphertext, ByteBuffer out)
      throws GeneralSecurityException {
    cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    try {
      cipher.doFinal(ciphertext, out);
    } catch (GeneralSecurityException e) {
      // SunJCE refuses to be initialised twice in a row with the same key and nonce, even to
      // decrypt; Noise keeps the nonce after a failed decryption, so a retry needs a fresh engine.
      cipher = newCipher();
      throw e;
    }
  }
}
