package io.peerlink.core.multiaddr;

import java.util.Arrays;
import java.util.Objects;

/**
 * One {@code /protocol/value} step of a {@link Multiaddr}. The value is held in binary form (empty
 * for protocols without one); {@link #textValue()} gives its text form. Immutable: the array is
 * copied on the way in and out.
 *
 * @param protocol the protocol
 * @param value the binary value, validated for {@code protocol}
 */
public record Component(Protocol protocol, byte[] value) {

  /**
   * Creates a component from a binary value.
   *
   * @param protocol the component's protocol
   * @param value the binary value, empty for protocols without one
   * @throws IllegalArgumentException if {@code value} is not valid for {@code protocol} (wrong
   *     size, empty or {@code /}-containing name, invalid peer ID multihash, bad UTF-8)
   */
  public Component {
    Objects.requireNonNull(protocol, "protocol");
    value = Objects.requireNonNull(value, "value").clone();
    ValueCodec.validate(protocol, value);
  }

  /**
   * A component of a protocol without a value, such as {@code /p2p-circuit} or {@code /tls}.
   *
   * @param protocol the protocol
   * @return the component
   */
  public static Component of(Protocol protocol) {
    return new Component(protocol, new byte[0]);
  }

  /**
   * A component from a value's text form ({@code "127.0.0.1"}, {@code "4001"}, a peer ID in base58 or
   * CID form, a host name).
   *
   * @param protocol the protocol
   * @param textValue the value's text form
   * @return the component
   * @throws IllegalArgumentException if {@code textValue} is not valid for {@code protocol}
   */
  public static Component of(Protocol protocol, String textValue) {
    if (!protocol.hasValue()) {
      throw new IllegalArgumentException("/" + protocol + " takes no value");
    }
    return new Component(protocol, ValueCodec.fromText(protocol, textValue));
  }

  /** {@return a copy of the binary value} */
  @Override
  public byte[] value() {
    return value.clone();
  }

  /** {@return the value's text form; empty for protocols without a value} */
  public String textValue() {
    return ValueCodec.toText(protocol, value);
  }

  /** Equal when protocol and value bytes are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Component c && protocol == c.protocol && Arrays.equals(value, c.value);
  }

  @Override
  public int hashCode() {
    return 31 * protocol.hashCode() + Arrays.hashCode(value);
  }

  /** The text form, {@code /name} or {@code /name/value}. */
  @Override
  public String toString() {
    return protocol.hasValue() ? "/" + protocol + "/" + textValue() : "/" + protocol;
  }
}
