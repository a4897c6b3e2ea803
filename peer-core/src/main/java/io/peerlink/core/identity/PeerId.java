package io.peerlink.core.identity;

import java.util.Optional;

/**
 * A libp2p peer ID: the multihash of a peer's public key (identity multihash for keys of at most 42
 * protobuf bytes, such as Ed25519 and secp256k1; sha2-256 otherwise). Its text form is base58btc
 * ({@code 12D3KooW…}, {@code 16Uiu2HA…}, {@code Qm…}); {@link #parse} also accepts the CIDv1 form.
 *
 * <p>Immutable; equal when the multihash bytes are equal.
 */
public final class PeerId implements Comparable<PeerId> {

  /** Derives the peer ID of a public key. */
  public static PeerId fromPublicKey(PublicKey key) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Wraps multihash bytes, as found in protobufs and binary multiaddrs.
   *
   * @throws IllegalArgumentException unless it is an identity multihash or a 32-byte sha2-256 multihash
   */
  public static PeerId fromBytes(byte[] multihash) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Parses the base58btc text form or the CIDv1 ({@code libp2p-key}, any supported multibase) form.
   *
   * @throws IllegalArgumentException if {@code text} is not a peer ID
   */
  public static PeerId parse(String text) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The multihash bytes. */
  public byte[] bytes() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The base58btc text form. */
  public String toBase58() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The CIDv1 text form, base32 lower case ({@code bafz…}). */
  public String toCid() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The public key, when the peer ID embeds it (identity multihash); empty for hashed IDs. */
  public Optional<PublicKey> publicKey() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Same as {@link #toBase58()}. */
  @Override
  public String toString() {
    return toBase58();
  }

  @Override
  public int compareTo(PeerId o) {
    throw new UnsupportedOperationException("TODO");
  }
}
