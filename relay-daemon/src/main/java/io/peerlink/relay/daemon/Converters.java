package io.peerlink.relay.daemon;

import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The option value types picocli does not know: multiaddrs, durations, host:port. */
final class Converters {
  private Converters() {}

  /** A multiaddr in its text form. */
  static final class MultiaddrConverter implements ITypeConverter<Multiaddr> {
    @Override
    public Multiaddr convert(String value) {
      try {
        return Multiaddr.parse(value.trim());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a multiaddr: " + e.getMessage());
      }
    }
  }

  /** {@code 500ms}, {@code 90s}, {@code 2m}, {@code 1h}, {@code 1d}, plain seconds, or ISO-8601 ({@code PT2M}). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value);
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new TypeConversionException("'" + value + "' is not a duration (500ms, 90s, 2m, 1h, 1d, PT2M)");
      }
    }

    static Duration parse(String v) {
      String t = v.trim().toLowerCase(Locale.ROOT);
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.isEmpty()) {
        throw new NumberFormatException("empty");
      }
      char unit = t.charAt(t.length() - 1);
      if (Character.isDigit(unit)) {
        return Duration.ofSeconds(Long.parseLong(t));
      }
      long amount = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (unit) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new NumberFormatException("unknown unit " + unit);
      };
    }
  }

  /** {@code host:port}; the host may be an IPv6 literal in brackets. */
  static final class HostPortConverter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new TypeConversionException("'" + value + "' is not host:port (e.g. 127.0.0.1:9100)");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(value.substring(colon + 1));
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return new HostPort(host, port);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not host:port: the port must be 0 to 65535");
      }
    }
  }
}
