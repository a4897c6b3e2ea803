package io.peerlink.core.internal.crypto;

import io.peerlink.core.identity.PublicKey;
import java.security.InvalidKeyException;

/** Key parsing (implemented by the identity work). */
public final class Keys {
  private Keys() {}

  /** Parses a PublicKey protobuf. */
  public static PublicKey unmarshalPublicKey(byte[] protobuf) throws InvalidKeyException {
    throw new UnsupportedOperationException("TODO");
  }
}
