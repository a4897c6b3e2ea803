package io.peerlink.core.internal.crypto;

import io.peerlink.core.identity.PublicKey;

/** A private identity key of any supported type (implemented by the identity work). */
public interface PrivateKeyImpl {
  /** Signs with the key type's libp2p signature scheme. */
  byte[] sign(byte[] data);

  /** The public half. */
  PublicKey publicKey();
}
