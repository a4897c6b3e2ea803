package io.peerlink.core.internal.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise {@code SymmetricState} for SHA-256: the chaining key {@code ck}, the handshake hash
 * {@code h}, and the handshake {@link CipherState}. Not thread-safe.
 */
public final class SymmetricState {
  /** Hash output length (SHA-256). */
  public static final int HASH_LENGTH = 32;

  private final ChaChaPolyProvider provider;
  private final CipherState cipher;
  private byte[] ck;
  private byte[] h;

  /**
   * Noise {@code InitializeSymmetric}: a name of at most 32 bytes is zero-padded into {@code h}
   * (libp2p's {@code Noise_XX_25519_ChaChaPoly_SHA256} is exactly 32, so {@code h} is the name);
   * a longer one is hashed. {@code ck = h}.
   */
  public SymmetricState(String protocolName, ChaChaPolyProvider provider) {
    this.provider = provider;
    this.cipher = new CipherState(provider);
    byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
    this.h = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256(name);
    this.ck = h.clone();
  }

  /** Noise {@code MixHash}: {@code h = SHA256(h || data)}. */
  public void mixHash(byte[] data) {
    MessageDigest d = sha256();
    d.update(h);
    d.update(data);
    h = d.digest();
  }

  /** Noise {@code MixKey}: {@code ck, k = HKDF(ck, ikm, 2)}; the handshake cipher takes {@code k}. */
  public void mixKey(byte[] inputKeyMaterial) {
    byte[][] out = hkdf(ck, inputKeyMaterial, 2);
    ck = out[0];
    cipher.initializeKey(out[1]);
  }

  /** Noise {@code EncryptAndHash}: encrypts with {@code ad = h} (if keyed), then mixes the ciphertext. */
  public byte[] encryptAndHash(byte[] plaintext) throws GeneralSecurityException {
    byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  }

  /** Noise {@code DecryptAndHash}: decrypts with {@code ad = h} (if keyed), then mixes the ciphertext. */
  public byte[] decryptAndHash(byte[] ciphertext) throws GeneralSecurityException {
    byte[] plaintext = cipher.decryptWithAd(h, ciphertext);
    mixHash(ciphertext);
    return plaintext;
  }

  /** Whether the handshake cipher has a key yet (decides whether {@code s} travels encrypted). */
  public boolean hasKey() {
    return cipher.hasKey();
  }

  /** Noise {@code Split}: the two transport CipherStates, initiator-to-responder first. */
  public CipherState[] split() {
    byte[][] k = hkdf(ck, new byte[0], 2);
    return new CipherState[] {new CipherState(provider, k[0]), new CipherState(provider, k[1])};
  }

  /** The handshake hash {@code h} (a copy); binds a finished handshake for channel binding. */
  public byte[] handshakeHash() {
    return h.clone();
  }

  /** The chaining key (a copy), for tests. */
  byte[] chainingKey() {
    return ck.clone();
  }

  /**
   * Noise's HKDF (section 4.3): {@code temp = HMAC(ck, ikm)}, {@code out1 = HMAC(temp, 0x01)},
   * {@code out_i = HMAC(temp, out_{i-1} || i)}. Equal to RFC 5869 with an empty info string.
   */
  static byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
    byte[] temp = hmac(chainingKey, inputKeyMaterial);
    byte[][] out = new byte[outputs][];
    byte[] prev = new byte[0];
    for (int i = 0; i < outputs; i++) {
      byte[] in = Arrays.copyOf(prev, prev.length + 1);
      in[prev.length] = (byte) (i + 1);
      prev = hmac(temp, in);
      out[i] = prev;
    }
    return out;
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK lacks HmacSHA256", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK lacks SHA-256", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }
}
