package io.peerlink.core.internal.noise;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.internal.proto.NoiseProtos.NoiseExtensions;
import io.peerlink.core.internal.proto.NoiseProtos.NoiseHandshakePayload;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.List;

/**
 * The libp2p Noise handshake payload: it binds the peer's identity key to its Noise static key with
 * a signature over {@code "noise-libp2p-static-key:" || static public key}, and carries extensions.
 */
public final class NoiseHandshakePayloads {
  /** The signature's domain-separation prefix (noise/README.md). */
  static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.UTF_8);

  private NoiseHandshakePayloads() {}

  /**
   * What a verified payload proved.
   *
   * @param key the remote identity key
   * @param peerId its peer ID
   * @param muxers the remote's {@code stream_muxers} extension, empty when absent
   */
  public record RemoteIdentity(PublicKey key, PeerId peerId, List<String> muxers) {}

  /** Encodes this side's payload; {@code extensions} is left out when {@code muxers} is empty. */
  public static byte[] encode(Identity identity, byte[] localStaticKey, List<String> muxers) {
    NoiseHandshakePayload.Builder b = NoiseHandshakePayload.newBuilder()
        .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
        .setIdentitySig(ByteString.copyFrom(identity.sign(signedData(localStaticKey))));
    if (!muxers.isEmpty()) {
      b.setExtensions(NoiseExtensions.newBuilder().addAllStreamMuxers(muxers));
    }
    return b.build().toByteArray();
  }

  /**
   * Decodes a remote payload and verifies its signature over {@code remoteStaticKey}, the static key
   * actually received in this handshake.
   *
   * @throws HandshakeException if the payload is malformed, lacks a key or signature, the key is
   *     unsupported, or the signature does not verify
   */
  public static RemoteIdentity verify(byte[] payload, byte[] remoteStaticKey) throws HandshakeException {
    NoiseHandshakePayload p;
    try {
      p = NoiseHandshakePayload.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new HandshakeException("noise: malformed handshake payload: " + e.getMessage(), e);
    }
    if (!p.hasIdentityKey() || !p.hasIdentitySig()) {
      throw new HandshakeException("noise: handshake payload lacks identity_key or identity_sig");
    }
    PublicKey key;
    boolean valid;
    PeerId peerId;
    try {
      key = PublicKey.unmarshal(p.getIdentityKey().toByteArray());
      valid = key.verify(signedData(remoteStaticKey), p.getIdentitySig().toByteArray());
      peerId = valid ? key.peerId() : null;
    } catch (InvalidKeyException e) {
      throw new HandshakeException("noise: bad identity key in handshake payload: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Key parsing runs on attacker-controlled bytes; whatever it throws fails the handshake only.
      throw new HandshakeException("noise: cannot use identity key in handshake payload: " + e, e);
    }
    if (!valid) {
      throw new HandshakeException("noise: identity signature over the static key does not verify");
    }
    List<String> muxers = p.hasExtensions() ? List.copyOf(p.getExtensions().getStreamMuxersList()) : List.of();
    return new RemoteIdentity(key, peerId, muxers);
  }

  private static byte[] signedData(byte[] staticKey) {
    byte[] data = new byte[SIGNATURE_PREFIX.length + staticKey.length];
    System.arraycopy(SIGNATURE_PREFIX, 0, data, 0, SIGNATURE_PREFIX.length);
    System.arraycopy(staticKey, 0, data, SIGNATURE_PREFIX.length, staticKey.length);
    return data;
  }
}
