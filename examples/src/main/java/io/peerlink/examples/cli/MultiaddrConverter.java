package io.peerlink.examples.cli;

import io.peerlink.core.multiaddr.Multiaddr;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A multiaddr option value; a malformed one is a usage error naming the option. */
final class MultiaddrConverter implements ITypeConverter<Multiaddr> {
  @Override
  public Multiaddr convert(String value) {
    try {
      return Multiaddr.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a multiaddr: " + e.getMessage());
    }
  }
}
