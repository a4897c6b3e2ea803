package io.peerlink.core.identity;


/**
 * A private identity key of any supported type. Implementations are immutable and thread-safe;
 * only {@link Keys} creates them.
 */
interface PrivateKeyImpl {
  /** Signs with the key type's libp2p signature scheme. */
  byte[] sign(byte[] data);

  /** The public half. */
  PublicKey publicKey();

  /** The key type. */
  KeyType type();

  /** The libp2p {@code PrivateKey} protobuf (the on-disk format go and js use). */
  byte[] marshal();

  /** The PKCS#8 {@code PrivateKeyInfo} DER encoding, the body of a {@code PRIVATE KEY} PEM block. */
  byte[] pkcs8();
}
