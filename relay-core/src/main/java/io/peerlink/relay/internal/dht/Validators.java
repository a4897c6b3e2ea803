package io.peerlink.relay.internal.dht;

import io.peerlink.relay.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The record validators by namespace: a key {@code /ns/rest} goes to namespace {@code ns}'s
 * validator; a key with no namespace or an unknown one is invalid, as in go's
 * {@code NamespacedValidator}. Immutable.
 */
public final class Validators {
  private final Map<String, RecordValidator> byNamespace;

  /**
   * {@code /pk/} plus {@code extra}.
   *
   * @param extra more namespaces; may override {@code pk}
   */
  public Validators(Map<String, RecordValidator> extra) {
    Map<String, RecordValidator> m = new HashMap<>();
    m.put(PublicKeyValidator.NAMESPACE, new PublicKeyValidator());
    m.putAll(extra);
    this.byNamespace = Map.copyOf(m);
  }

  /**
   * {@return the namespace of {@code key}, or null when it has none}
   *
   * @param key a record key
   */
  public static String namespace(byte[] key) {
    if (key.length < 3 || key[0] != '/') {
      return null;
    }
    for (int i = 1; i < key.length; i++) {
      if (key[i] == '/') {
        return i == 1 ? null : new String(key, 1, i - 1, StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  /**
   * {@return whether {@code value} is valid for {@code key}}
   *
   * @param key the record key
   * @param value the value
   */
  public boolean isValid(byte[] key, byte[] value) {
    RecordValidator v = validator(key);
    return v != null && v.isValid(key, value);
  }

  /**
   * {@return the index of the best of {@code values}, all valid}
   *
   * @param key the record key
   * @param values the candidates
   */
  public int select(byte[] key, List<byte[]> values) {
    RecordValidator v = validator(key);
    int i = v == null ? 0 : v.select(key, values);
    return i >= 0 && i < values.size() ? i : 0;
  }

  private RecordValidator validator(byte[] key) {
    String ns = namespace(key);
    return ns == null ? null : byNamespace.get(ns);
  }
}
