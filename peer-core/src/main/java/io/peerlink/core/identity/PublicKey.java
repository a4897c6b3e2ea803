package io.peerlink.core.identity;

import java.security.InvalidKeyException;

/**
 * A peer's public identity key of any libp2p key type. Instances are immutable and compare by their
 * {@link #marshal() protobuf encoding}.
 */
public interface PublicKey {

  /** {@return the key type} */
  KeyType type();

  /** {@return the {@code Data} field of the {@code PublicKey} protobuf (raw, compressed or SPKI DER by type)} */
  byte[] raw();

  /** {@return the deterministic {@code PublicKey} protobuf bytes: the input to peer ID derivation} */
  byte[] marshal();

  /**
   * Verifies {@code signature} over {@code data} with this key's libp2p signature scheme; never throws for a bad signature.
   *
   * @param data the signed bytes
   * @param signature the signature
   * @return whether the signature is valid
   */
  boolean verify(byte[] data, byte[] signature);

  /** {@return the peer ID this key derives} */
  PeerId peerId();

  /**
   * Parses a {@code PublicKey} protobuf.
   *
   * @param protobuf the protobuf's bytes
   * @return the public key
   * @throws InvalidKeyException if the protobuf is malformed, has extra fields, or the key is invalid
   *     or unsupported
   */
  static PublicKey unmarshal(byte[] protobuf) throws InvalidKeyException {
    return Keys.unmarshalPublicKey(protobuf);
  }
}
