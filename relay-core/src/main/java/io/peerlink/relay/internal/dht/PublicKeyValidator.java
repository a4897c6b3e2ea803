package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.relay.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code /pk/} namespace: {@code /pk/<binary peer ID>} holds that peer's public key (the
 * libp2p {@code PublicKey} protobuf), valid when the key's derived peer ID is the one in the
 * record key. Every valid value is the same key, so selection takes the first (go's
 * {@code PublicKeyValidator}, js's {@code validators.pk}).
 */
public final class PublicKeyValidator implements RecordValidator {
  /** The namespace. */
  public static final String NAMESPACE = "pk";

  private static final byte[] PREFIX = "/pk/".getBytes(StandardCharsets.US_ASCII);

  /**
   * {@return the record key holding {@code peer}'s public key}
   *
   * @param peer the peer
   */
  public static byte[] keyFor(PeerId peer) {
    byte[] id = peer.bytes();
    byte[] key = Arrays.copyOf(PREFIX, PREFIX.length + id.length);
    System.arraycopy(id, 0, key, PREFIX.length, id.length);
    return key;
  }

  @Override
  public boolean isValid(byte[] key, byte[] value) {
    if (key.length <= PREFIX.length || !Arrays.equals(key, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
      return false;
    }
    try {
      PeerId named = PeerId.fromBytes(Arrays.copyOfRange(key, PREFIX.length, key.length));
      return PublicKey.unmarshal(value).peerId().equals(named);
    } catch (IllegalArgumentException | InvalidKeyException e) {
      return false;
    }
  }

  @Override
  public int select(byte[] key, List<byte[]> values) {
    return 0;
  }
}
