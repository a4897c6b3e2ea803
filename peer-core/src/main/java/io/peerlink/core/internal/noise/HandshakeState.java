package io.peerlink.core.internal.noise;

import io.peerlink.core.HandshakeException;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The Noise {@code HandshakeState} for pattern XX over 25519/ChaChaPoly/SHA256:
 *
 * <pre>
 *   -&gt; e
 *   &lt;- e, ee, s, es
 *   -&gt; s, se
 * </pre>
 *
 * Each side alternately calls {@link #writeMessage} and {@link #readMessage}; after the third message
 * {@link #isComplete()} holds and {@link #sender()}/{@link #receiver()} are this side's transport
 * ciphers. Byte arrays are fine here: handshake messages are small and happen once per connection.
 * Not thread-safe.
 */
public final class HandshakeState {
  /** The libp2p protocol name; exactly 32 bytes, so it becomes {@code h} unhashed. */
  public static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";

  /** Largest Noise message (the u16 length prefix bounds it). */
  public static final int MAX_MESSAGE_LENGTH = 65535;

  private static final int DH = X25519.KEY_LENGTH;
  private static final int TAG = ChaChaPolyAead.TAG_LENGTH;

  private final boolean initiator;
  private final SymmetricState ss;
  private final X25519.KeyPair s;
  private X25519.KeyPair e;
  private byte[] re;
  private byte[] rs;
  private int step; // messages processed so far, 0..3
  private CipherState[] split;

  /**
   * Starts an XX handshake.
   *
   * @param initiator whether this side sends the first message
   * @param staticKey this side's static X25519 key pair
   * @param prologue the prologue (libp2p: empty), mixed into {@code h}
   */
  public HandshakeState(boolean initiator, X25519.KeyPair staticKey, byte[] prologue,
      ChaChaPolyProvider provider) {
    this(initiator, staticKey, null, prologue, provider);
  }

  /** As above with a fixed ephemeral key, for known-answer tests; null means generate one. */
  HandshakeState(boolean initiator, X25519.KeyPair staticKey, X25519.KeyPair ephemeral,
      byte[] prologue, ChaChaPolyProvider provider) {
    this.initiator = initiator;
    this.s = staticKey;
    this.e = ephemeral;
    this.ss = new SymmetricState(PROTOCOL_NAME, provider);
    ss.mixHash(prologue);
  }

  /** Whether this side is the initiator. */
  public boolean isInitiator() {
    return initiator;
  }

  /** Whether it is this side's turn to write. */
  public boolean isMyTurn() {
    return step < 3 && (step % 2 == 0) == initiator;
  }

  /** Whether all three messages have been processed. */
  public boolean isComplete() {
    return step == 3;
  }

  /** This side's static public key (raw). */
  public byte[] localStaticPublicKey() {
    return s.publicKey().clone();
  }

  /** The remote static public key, once received (message 2 for the initiator, 3 for the responder). */
  public byte[] remoteStaticPublicKey() {
    return rs == null ? null : rs.clone();
  }

  /** The handshake hash, for channel binding and tests. */
  public byte[] handshakeHash() {
    return ss.handshakeHash();
  }

  /**
   * Writes this side's next message carrying {@code payload}.
   *
   * @throws HandshakeException if it is not this side's turn or a primitive fails
   */
  public byte[] writeMessage(byte[] payload) throws HandshakeException {
    if (!isMyTurn()) {
      throw new HandshakeException("noise: not our turn to write (message " + (step + 1) + ")");
    }
    try {
      byte[] out;
      switch (step) {
        case 0 -> { // -> e
          byte[] ePub = writeE();
          out = concat(ePub, ss.encryptAndHash(payload));
        }
        case 1 -> { // <- e, ee, s, es
          byte[] ePub = writeE();
          ss.mixKey(X25519.dh(e.privateKey(), re));
          byte[] sCt = ss.encryptAndHash(s.publicKey());
          ss.mixKey(X25519.dh(s.privateKey(), re));
          out = concat(ePub, sCt, ss.encryptAndHash(payload));
        }
        default -> { // -> s, se
          byte[] sCt = ss.encryptAndHash(s.publicKey());
          ss.mixKey(X25519.dh(s.privateKey(), re));
          out = concat(sCt, ss.encryptAndHash(payload));
        }
      }
      if (out.length > MAX_MESSAGE_LENGTH) {
        throw new HandshakeException("noise: handshake message of " + out.length + " bytes exceeds 65535");
      }
      advance();
      return out;
    } catch (GeneralSecurityException ex) {
      throw new HandshakeException("noise: cannot write handshake message " + (step + 1) + ": " + ex.getMessage(), ex);
    }
  }

  /**
   * Reads the remote's next message and returns its decrypted payload.
   *
   * @throws HandshakeException if it is not the remote's turn, the message is too short, or
   *     decryption or a DH fails
   */
  public byte[] readMessage(byte[] message) throws HandshakeException {
    if (isMyTurn() || isComplete()) {
      throw new HandshakeException("noise: not expecting a handshake message now");
    }
    int n = step + 1;
    int min = switch (step) {
      case 0 -> DH;
      case 1 -> DH + DH + TAG + TAG;
      default -> DH + TAG + TAG;
    };
    if (message.length < min) {
      throw new HandshakeException(
          "noise: handshake message " + n + " is " + message.length + " bytes, needs at least " + min);
    }
    try {
      byte[] payload;
      switch (step) {
        case 0 -> { // -> e
          readE(message);
          payload = ss.decryptAndHash(Arrays.copyOfRange(message, DH, message.length));
        }
        case 1 -> { // <- e, ee, s, es
          readE(message);
          ss.mixKey(X25519.dh(e.privateKey(), re));
          rs = ss.decryptAndHash(Arrays.copyOfRange(message, DH, DH + DH + TAG));
          ss.mixKey(X25519.dh(e.privateKey(), rs));
          payload = ss.decryptAndHash(Arrays.copyOfRange(message, DH + DH + TAG, message.length));
        }
        default -> { // -> s, se
          rs = ss.decryptAndHash(Arrays.copyOfRange(message, 0, DH + TAG));
          ss.mixKey(X25519.dh(e.privateKey(), rs));
          payload = ss.decryptAndHash(Arrays.copyOfRange(message, DH + TAG, message.length));
        }
      }
      advance();
      return payload;
    } catch (GeneralSecurityException ex) {
      throw new HandshakeException("noise: cannot read handshake message " + n + ": " + ex, ex);
    }
  }

  /** The cipher this side encrypts with; only after {@link #isComplete()}. */
  public CipherState sender() {
    requireComplete();
    return initiator ? split[0] : split[1];
  }

  /** The cipher this side decrypts with; only after {@link #isComplete()}. */
  public CipherState receiver() {
    requireComplete();
    return initiator ? split[1] : split[0];
  }

  private byte[] writeE() {
    if (e == null) {
      e = X25519.generate();
    }
    ss.mixHash(e.publicKey());
    return e.publicKey();
  }

  private void readE(byte[] message) {
    re = Arrays.copyOfRange(message, 0, DH);
    ss.mixHash(re);
  }

  private void advance() {
    step++;
    if (step == 3) {
      split = ss.split();
    }
  }

  private void requireComplete() {
    if (split == null) {
      throw new IllegalStateException("noise handshake not complete");
    }
  }

  private static byte[] concat(byte[]... parts) {
    int len = 0;
    for (byte[] p : parts) {
      len += p.length;
    }
    byte[] out = new byte[len];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
