package io.peerlink.core.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerlink.core.HandshakeException;
import java.util.Arrays;

/**
 * Reads arbitrary bytes as the remote's raw Noise XX handshake messages: the u16 length prefix,
 * the ephemeral key, the encrypted static key and the encrypted payload, then the payload's
 * identity proof, in the order {@link NoiseHandler} reads them.
 *
 * <p>The first byte picks the side: even, we are the responder and the rest is message 1 then
 * message 3; odd, we are the initiator (having sent message 1) and the rest is message 2. Both
 * sides use fixed keys ({@link #INITIATOR_KEYS}, {@link #RESPONDER_KEYS}), so the committed inputs, recorded from a real handshake
 * with those keys, decrypt and reach the payload check. Every failure must be a
 * {@link HandshakeException}; a finished handshake must have proved the remote's identity.
 *
 * <p>A plain test run replays the inputs under {@code NoiseHandshakeMessagesFuzzTestInputs}; see
 * docs/testing.md, "Fuzzing", to fuzz.
 */
class NoiseHandshakeMessagesFuzzTest {
  private static final int LENGTH_PREFIX = 2;

  @FuzzTest
  void messages(byte[] data) {
    if (data.length == 0) {
      return;
    }
    boolean initiator = (data[0] & 1) == 1;
    HandshakeState us = localSide(initiator);
    int at = 1;
    try {
      if (initiator) {
        us.writeMessage(new byte[0]);
      }
      while (!us.isComplete()) {
        if (us.isMyTurn()) {
          us.writeMessage(new byte[0]);
          continue;
        }
        if (data.length - at < LENGTH_PREFIX) {
          return; // waiting for more bytes
        }
        int len = ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF);
        if (data.length - at - LENGTH_PREFIX < len) {
          return;
        }
        byte[] message = Arrays.copyOfRange(data, at + LENGTH_PREFIX, at + LENGTH_PREFIX + len);
        at += LENGTH_PREFIX + len;
        byte[] payload = us.readMessage(message);
        if (us.remoteStaticPublicKey() != null) {
          // Message 2 for the initiator, message 3 for the responder: the payload proves the peer.
          NoiseHandshakePayloads.RemoteIdentity remote =
              NoiseHandshakePayloads.verify(payload, us.remoteStaticPublicKey());
          assertThat(remote.peerId()).isEqualTo(remote.key().peerId());
        }
      }
    } catch (HandshakeException e) {
      return; // the documented refusal
    }
    assertThat(us.sender()).isNotNull();
    assertThat(us.receiver()).isNotNull();
  }

  /** The initiator's fixed keys: scalars of one repeated byte, computed once. */
  static final KeySet INITIATOR_KEYS =
      new KeySet(X25519.fromPrivate(filled(1)), X25519.fromPrivate(filled(2)));
  /** The responder's fixed keys. */
  static final KeySet RESPONDER_KEYS =
      new KeySet(X25519.fromPrivate(filled(3)), X25519.fromPrivate(filled(4)));

  /** One side of the handshake, with the fixed keys the committed inputs were recorded against. */
  static HandshakeState localSide(boolean initiator) {
    KeySet k = initiator ? INITIATOR_KEYS : RESPONDER_KEYS;
    return new HandshakeState(initiator, k.staticKey(), k.ephemeral(), new byte[0],
        ChaChaPolyProvider.defaultProvider());
  }

  /** One side's static and ephemeral key pairs. */
  record KeySet(X25519.KeyPair staticKey, X25519.KeyPair ephemeral) {}

  private static byte[] filled(int value) {
    byte[] scalar = new byte[X25519.KEY_LENGTH];
    Arrays.fill(scalar, (byte) value);
    return scalar;
  }
}
