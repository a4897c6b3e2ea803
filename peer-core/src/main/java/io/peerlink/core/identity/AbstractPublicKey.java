package io.peerlink.core.identity;

import com.google.protobuf.ByteString;
import io.peerlink.core.internal.proto.CryptoProtos;
import java.util.Arrays;

/**
 * What every public key type shares: the {@code Data} bytes, the deterministic protobuf encoding,
 * equality by that encoding, and the derived peer ID.
 */
abstract class AbstractPublicKey implements PublicKey {
  private final KeyType type;
  private final byte[] raw;
  private final byte[] marshalled;
  // Derived lazily: PeerId.fromPublicKey calls back into marshal(), which must not run before the
  // subclass is constructed. A race computes the same value twice, which is harmless.
  private volatile PeerId peerId;

  /** Takes a copy of {@code raw}, already validated by the subclass, and encodes the protobuf. */
  AbstractPublicKey(KeyType type, byte[] raw) {
    this.type = type;
    this.raw = raw.clone();
    this.marshalled =
        CryptoProtos.PublicKey.newBuilder()
            .setType(CryptoProtos.KeyType.forNumber(type.code()))
            .setData(ByteString.copyFrom(raw))
            .build()
            .toByteArray();
  }

  @Override
  public final KeyType type() {
    return type;
  }

  @Override
  public final byte[] raw() {
    return raw.clone();
  }

  @Override
  public final byte[] marshal() {
    return marshalled.clone();
  }

  @Override
  public final PeerId peerId() {
    PeerId id = peerId;
    if (id == null) {
      id = PeerId.fromPublicKey(this);
      peerId = id;
    }
    return id;
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof AbstractPublicKey other && Arrays.equals(marshalled, other.marshalled);
  }

  @Override
  public final int hashCode() {
    return Arrays.hashCode(marshalled);
  }

  @Override
  public final String toString() {
    return type + "PublicKey(" + peerId() + ")";
  }
}
