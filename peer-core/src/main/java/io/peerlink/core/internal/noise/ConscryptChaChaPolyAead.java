package io.peerlink.core.internal.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 from BoringSSL through Conscrypt, on direct memory. Conscrypt seals and opens
 * a direct input into a direct output in one native call, with no copy and no allocation; its
 * array path copies every message into a fresh internal array first. So a message already in one
 * direct buffer (the usual case: a socket read, a pooled output buffer) is used where it is, and
 * anything else is gathered into the thread's direct {@link CipherScratch}.
 */
final class ConscryptChaChaPolyAead implements ChaChaPolyAead {
  private final SecretKeySpec key;
  private Cipher cipher;

  ConscryptChaChaPolyAead(byte[] key) {
    this.key = new SecretKeySpec(key, "ChaCha20");
    this.cipher = ConscryptCiphers.newCipher();
  }

  @Override
  public int encrypt(byte[] nonce, byte[] ad, ByteBuffer[] plaintext, ByteBuffer out)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    int n = run(plaintext, out);
    CipherScratch.consume(plaintext);
    return n;
  }

  @Override
  public int decrypt(byte[] nonce, byte[] ad, ByteBuffer[] ciphertext, ByteBuffer out)
      throws GeneralSecurityException {
    if (CipherScratch.remaining(ciphertext) < TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext shorter than its tag");
    }
    cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    int n;
    try {
      n = run(ciphertext, out);
    } catch (GeneralSecurityException e) {
      cipher = ConscryptCiphers.newCipher(); // start the next attempt from a clean engine
      throw e;
    }
    CipherScratch.consume(ciphertext);
    return n;
  }

  /** One {@code doFinal} from direct memory into direct memory; moves only {@code out}'s position. */
  private int run(ByteBuffer[] parts, ByteBuffer out) throws GeneralSecurityException {
    ByteBuffer in;
    if (parts.length == 1 && parts[0].isDirect()) {
      in = parts[0].duplicate();
    } else {
      in = CipherScratch.directIn();
      CipherScratch.gather(parts, in);
      in.flip();
    }
    if (out.isDirect()) {
      return cipher.doFinal(in, out);
    }
    ByteBuffer direct = CipherScratch.directOut();
    int n = cipher.doFinal(in, direct);
    out.put(direct.flip());
    return n;
  }
}
