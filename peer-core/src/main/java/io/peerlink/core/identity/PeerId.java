package io.peerlink.core.identity;

import io.peerlink.core.internal.Base32;
import io.peerlink.core.internal.Base58;
import io.peerlink.core.internal.Varint;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A libp2p peer ID: the multihash of a peer's public key (identity multihash for keys of at most 42
 * protobuf bytes, such as Ed25519 and secp256k1; sha2-256 otherwise). Its text form is base58btc
 * ({@code 12D3KooW…}, {@code 16Uiu2HA…}, {@code Qm…}); {@link #parse} also accepts the CIDv1 form.
 *
 * <p>Immutable; equal when the multihash bytes are equal.
 */
public final class PeerId implements Comparable<PeerId> {
  /** Keys whose protobuf encoding is at most this many bytes are inlined (identity multihash). */
  public static final int MAX_INLINE_KEY_BYTES = 42;

  /** Longest peer ID text {@link #parse} considers, in characters (real ones are under 80). */
  public static final int MAX_TEXT_CHARS = 128;

  private static final int IDENTITY = 0x00;
  private static final int SHA2_256 = 0x12;
  private static final int SHA2_256_BYTES = 32;
  private static final int CID_V1 = 0x01;
  private static final int LIBP2P_KEY_CODEC = 0x72;

  private final byte[] multihash;

  private PeerId(byte[] multihash) {
    this.multihash = multihash;
  }

  /**
   * Derives the peer ID of a public key.
   *
   * @param key the public key
   * @return its peer ID
   */
  public static PeerId fromPublicKey(PublicKey key) {
    byte[] pk = key.marshal();
    if (pk.length <= MAX_INLINE_KEY_BYTES) {
      // The length fits a one-byte varint.
      byte[] mh = new byte[2 + pk.length];
      mh[0] = IDENTITY;
      mh[1] = (byte) pk.length;
      System.arraycopy(pk, 0, mh, 2, pk.length);
      return new PeerId(mh);
    }
    byte[] mh = new byte[2 + SHA2_256_BYTES];
    mh[0] = SHA2_256;
    mh[1] = SHA2_256_BYTES;
    System.arraycopy(sha256(pk), 0, mh, 2, SHA2_256_BYTES);
    return new PeerId(mh);
  }

  /**
   * Wraps multihash bytes, as found in protobufs and binary multiaddrs.
   *
   * @param multihash the multihash bytes
   * @return the peer ID
   * @throws IllegalArgumentException unless it is an identity multihash or a 32-byte sha2-256 multihash
   *     (an identity multihash may hold at most {@value #MAX_INLINE_KEY_BYTES} bytes, since a larger
   *     key would have been hashed)
   */
  public static PeerId fromBytes(byte[] multihash) {
    Objects.requireNonNull(multihash, "multihash");
    int[] pos = {0};
    long code;
    long length;
    code = Varint.readArgument(multihash, pos, "peer ID: malformed multihash");
    length = Varint.readArgument(multihash, pos, "peer ID: malformed multihash");
    if (length != multihash.length - pos[0]) {
      throw new IllegalArgumentException("peer ID: multihash length does not match its digest");
    }
    if (code == IDENTITY) {
      if (length > MAX_INLINE_KEY_BYTES) {
        throw new IllegalArgumentException("peer ID: identity multihash longer than 42 bytes");
      }
    } else if (code == SHA2_256) {
      if (length != SHA2_256_BYTES) {
        throw new IllegalArgumentException("peer ID: sha2-256 digest must be 32 bytes");
      }
    } else {
      throw new IllegalArgumentException("peer ID: unsupported multihash code 0x" + Long.toHexString(code));
    }
    return new PeerId(multihash.clone());
  }

  /**
   * Parses the base58btc text form or the CIDv1 ({@code libp2p-key}) form in multibase base32
   * ({@code b…}, {@code B…}) or base58btc ({@code z…}).
   *
   * @param text the peer ID's text
   * @return the peer ID
   * @throws IllegalArgumentException if {@code text} is not a peer ID
   */
  public static PeerId parse(String text) {
    Objects.requireNonNull(text, "text");
    // Bounding the length first keeps the quadratic base58 decoder cheap on hostile input.
    if (text.isEmpty() || text.length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException("not a peer ID: bad length " + text.length());
    }
    if (text.startsWith("1") || text.startsWith("Qm")) {
      return fromBytes(Base58.decode(text));
    }
    String body = text.substring(1);
    byte[] cid = switch (text.charAt(0)) {
      case 'b' -> Base32.decode(body, false);
      case 'B' -> Base32.decode(body, true);
      case 'z' -> Base58.decode(body);
      default -> throw new IllegalArgumentException("not a peer ID: unsupported multibase prefix");
    };
    int[] pos = {0};
    if (Varint.readArgument(cid, pos, "not a peer ID: malformed CID") != CID_V1) {
      throw new IllegalArgumentException("not a peer ID: CID version is not 1");
    }
    if (Varint.readArgument(cid, pos, "not a peer ID: malformed CID") != LIBP2P_KEY_CODEC) {
      throw new IllegalArgumentException("not a peer ID: CID codec is not libp2p-key");
    }
    return fromBytes(Arrays.copyOfRange(cid, pos[0], cid.length));
  }

  /** {@return the multihash bytes} */
  public byte[] bytes() {
    return multihash.clone();
  }

  /** {@return the base58btc text form} */
  public String toBase58() {
    return Base58.encode(multihash);
  }

  /** {@return the CIDv1 text form, base32 lower case ({@code bafz…})} */
  public String toCid() {
    byte[] cid = new byte[2 + multihash.length];
    cid[0] = CID_V1;
    cid[1] = LIBP2P_KEY_CODEC;
    System.arraycopy(multihash, 0, cid, 2, multihash.length);
    return "b" + Base32.encodeLower(cid);
  }

  /**
   * The public key, when the peer ID embeds it (identity multihash); empty for hashed IDs, and for
   * identity multihashes that do not hold a valid, supported key.
   *
   * @return the embedded public key, if any
   */
  public Optional<PublicKey> publicKey() {
    if (multihash[0] != IDENTITY) {
      return Optional.empty();
    }
    try {
      return Optional.of(PublicKey.unmarshal(Arrays.copyOfRange(multihash, 2, multihash.length)));
    } catch (InvalidKeyException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code key} derives this peer ID: the check to make after a handshake.
   *
   * @param key the public key to check
   * @return whether this is {@code key}'s peer ID
   */
  public boolean matches(PublicKey key) {
    return equals(fromPublicKey(key));
  }

  /** Same as {@link #toBase58()}. */
  @Override
  public String toString() {
    return toBase58();
  }

  /** Orders by the multihash bytes, compared unsigned. */
  @Override
  public int compareTo(PeerId o) {
    return Arrays.compareUnsigned(multihash, o.multihash);
  }

  /** Equal when the multihash bytes are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId other && Arrays.equals(multihash, other.multihash);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(multihash);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK lacks SHA-256", e);
    }
  }
}
