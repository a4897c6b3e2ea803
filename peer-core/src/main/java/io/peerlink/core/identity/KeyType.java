package io.peerlink.core.identity;

/** libp2p key types, with their protobuf codes (peer-ids.md). */
public enum KeyType {
  /** RSA (code 0): PKIX public key, PKCS#1 private key, SHA-256 + PKCS#1 v1.5 signatures. */
  RSA(0),
  /** Ed25519 (code 1): the default for peerlink identities. */
  ED25519(1),
  /** secp256k1 (code 2): compressed public key, SHA-256 + ECDSA (DER) signatures. */
  SECP256K1(2),
  /** ECDSA (code 3): PKIX public key, SEC1 private key, SHA-256 + ECDSA (DER) signatures. */
  ECDSA(3);

  private final int code;

  KeyType(int code) {
    this.code = code;
  }

  /** {@return the protobuf {@code KeyType} number} */
  public int code() {
    return code;
  }

  /**
   * The key type with this protobuf number.
   *
   * @param code the protobuf number
   * @return the key type
   * @throws IllegalArgumentException for an unknown code
   */
  public static KeyType fromCode(int code) {
    for (KeyType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown key type " + code);
  }
}
