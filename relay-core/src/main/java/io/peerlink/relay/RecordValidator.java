package io.peerlink.relay;

import java.util.List;

/**
 * Validates and chooses between the values of one DHT record namespace (the {@code ns} of keys
 * {@code /ns/...}), as go-libp2p-record's {@code Validator} does. A record is stored, and a value
 * found by {@link Dht#getValue} is returned, only if its namespace's validator accepts it; keys of
 * a namespace without a validator are refused. {@code /pk/} (public keys) is built in.
 *
 * <p>Implementations must be thread-safe and fast: they run for every PUT_VALUE received.
 */
public interface RecordValidator {

  /**
   * {@return whether {@code value} is a valid value for {@code key}}
   *
   * @param key the whole key, namespace included
   * @param value the value
   */
  boolean isValid(byte[] key, byte[] value);

  /**
   * Chooses the best of several valid values for {@code key}: a lookup returns it and writes it
   * back to peers that held another; a store keeps it over an older one.
   *
   * @param key the whole key
   * @param values at least one valid value
   * @return the index of the best value
   */
  int select(byte[] key, List<byte[]> values);
}
