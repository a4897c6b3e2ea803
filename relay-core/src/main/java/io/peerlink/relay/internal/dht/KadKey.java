package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A point in the Kademlia keyspace: the SHA-256 of a key's bytes (a peer's key is its binary peer
 * ID). Distance between two points is their XOR read as a 256-bit unsigned number, so "closer"
 * compares XORs byte by byte. Immutable.
 */
public final class KadKey {
  /** Bytes in a point: SHA-256's 32. */
  public static final int BYTES = 32;

  private final byte[] hash;

  private KadKey(byte[] hash) {
    this.hash = hash;
  }

  /**
   * {@return the point of {@code key}}
   *
   * @param key a DHT key (a peer ID's bytes, a multihash, {@code /pk/...})
   */
  public static KadKey of(byte[] key) {
    try {
      return new KadKey(MessageDigest.getInstance("SHA-256").digest(key));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * {@return the point of a peer}
   *
   * @param peer the peer
   */
  public static KadKey of(PeerId peer) {
    return of(peer.bytes());
  }

  /**
   * A point given by its 32 hash bytes (random keys for refresh; tests).
   *
   * @param hash 32 bytes
   * @return the point
   */
  public static KadKey ofHash(byte[] hash) {
    if (hash.length != BYTES) {
      throw new IllegalArgumentException("a keyspace point is 32 bytes, not " + hash.length);
    }
    return new KadKey(hash.clone());
  }

  /** {@return a copy of the 32 hash bytes} */
  public byte[] hash() {
    return hash.clone();
  }

  /**
   * {@return how many leading bits this point shares with {@code other}: 256 for the same point}
   *
   * @param other another point
   */
  public int commonPrefixLength(KadKey other) {
    for (int i = 0; i < BYTES; i++) {
      int x = (hash[i] ^ other.hash[i]) & 0xff;
      if (x != 0) {
        return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
      }
    }
    return BYTES * 8;
  }

  /**
   * Compares the distances of {@code a} and {@code b} to this point.
   *
   * @param a one point
   * @param b another point
   * @return negative when {@code a} is closer, 0 at equal distance, positive when {@code b} is
   */
  public int compareDistance(KadKey a, KadKey b) {
    for (int i = 0; i < BYTES; i++) {
      int da = (a.hash[i] ^ hash[i]) & 0xff;
      int db = (b.hash[i] ^ hash[i]) & 0xff;
      if (da != db) {
        return Integer.compare(da, db);
      }
    }
    return 0;
  }

  /** {@return orders points by their distance to this one, closest first} */
  public Comparator<KadKey> byDistance() {
    return this::compareDistance;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KadKey k && Arrays.equals(hash, k.hash);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      b.append(String.format("%02x", hash[i]));
    }
    return b.append("…").toString();
  }
}
