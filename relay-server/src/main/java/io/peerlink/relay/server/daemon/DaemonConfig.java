package io.peerlink.relay.server.daemon;

import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.server.RelayLimiter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The relay daemon's settings: defaults, overridden by a properties file ({@code --config}),
 * overridden by command-line flags. A flag {@code --name value} and a property {@code name=value}
 * are the same setting. List settings take comma-separated values (flags may also repeat).
 * Durations are {@code 500ms}, {@code 90s}, {@code 2m}, {@code 1h}, a plain number of seconds, or
 * ISO-8601 ({@code PT2M}).
 */
public final class DaemonConfig {

  /** Every setting the daemon knows, with a one-line description for {@code --help}. */
  static final Map<String, String> SETTINGS = new LinkedHashMap<>();

  static {
    SETTINGS.put("listen", "TCP multiaddr to listen on, repeatable (default /ip4/0.0.0.0/tcp/4001)");
    SETTINGS.put("identity", "PEM key file; created on first start (default relay-identity.pem)");
    SETTINGS.put("config", "properties file with any of these settings");
    SETTINGS.put("metrics", "host:port for Prometheus metrics at /metrics (default off)");
    SETTINGS.put("announce", "addresses to put in reservations instead of the listen addresses");
    SETTINGS.put("public-cidr", "extra ranges counted as public for reservation addresses, e.g. 203.0.113.0/24");
    SETTINGS.put("allow-private-addrs", "true: put every address in reservations, loopback and private too");
    SETTINGS.put("unlimited", "true: start from the unlimited preset (private deployments)");
    SETTINGS.put("drain-timeout", "how long SIGTERM waits for circuits before resetting them (default 30s)");
    SETTINGS.put("max-reservations", "reservations held at once; 0 = unlimited (default 128)");
    SETTINGS.put("max-reservations-per-ip", "reservations per IP address; 0 = unlimited (default 8)");
    SETTINGS.put("max-circuits", "circuits open at once, relay-wide; 0 = unlimited (default 1024)");
    SETTINGS.put("max-circuits-per-peer", "circuits a peer is part of; 0 = unlimited (default 16)");
    SETTINGS.put("reservation-ttl", "reservation lifetime (default 1h)");
    SETTINGS.put("max-circuit-duration", "circuit lifetime, whole seconds; 0 = unlimited (default 2m)");
    SETTINGS.put("max-circuit-data", "bytes per direction per circuit; 0 = unlimited (default 131072)");
    SETTINGS.put("max-message-size", "largest hop/stop message, bytes (default 4096)");
    SETTINGS.put("stream-timeout", "time for a hop request to arrive (default 1m)");
    SETTINGS.put("connect-timeout", "time to open the stop stream (default 30s)");
    SETTINGS.put("stop-handshake-timeout", "time for the target to answer (default 1m)");
    SETTINGS.put("limit-flush-timeout", "drain bound before reset at a data limit (default 10s)");
    SETTINGS.put("reservation-sweep-interval", "how often expired reservations are swept (default 1m)");
  }

  private static final Set<String> LISTS = Set.of("listen", "announce", "public-cidr");

  final List<Multiaddr> listen = new ArrayList<>();
  Path identity = Path.of("relay-identity.pem");
  String metrics;
  final List<Multiaddr> announce = new ArrayList<>();
  final List<String> publicCidrs = new ArrayList<>();
  boolean allowPrivateAddrs;
  Duration drainTimeout = Duration.ofSeconds(30);
  RelayLimiter limiter;
  boolean help;

  /**
   * Parses command-line arguments (reading {@code --config} first if present).
   *
   * @throws IllegalArgumentException naming the bad flag or value
   */
  public static DaemonConfig parse(String[] args) throws IOException {
    Map<String, List<String>> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        DaemonConfig c = new DaemonConfig();
        c.help = true;
        return c;
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      if (!SETTINGS.containsKey(name)) {
        throw new IllegalArgumentException("unknown flag --" + name + " (see --help)");
      }
      flags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    Map<String, List<String>> merged = new LinkedHashMap<>();
    if (flags.containsKey("config")) {
      Path file = Path.of(flags.get("config").get(0));
      Properties props = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(r);
      }
      for (String name : props.stringPropertyNames()) {
        if (!SETTINGS.containsKey(name) || name.equals("config")) {
          throw new IllegalArgumentException("unknown setting '" + name + "' in " + file);
        }
        merged.put(name, List.of(props.getProperty(name).trim()));
      }
    }
    merged.putAll(flags); // flags win
    return from(merged);
  }

  private static DaemonConfig from(Map<String, List<String>> s) {
    DaemonConfig c = new DaemonConfig();
    RelayLimiter.Builder b = Boolean.parseBoolean(one(s, "unlimited", "false"))
        ? RelayLimiter.unlimited().toBuilder() : RelayLimiter.builder();
    for (Map.Entry<String, List<String>> e : s.entrySet()) {
      String name = e.getKey();
      List<String> values = new ArrayList<>();
      for (String v : e.getValue()) {
        if (LISTS.contains(name)) {
          for (String part : v.split(",")) {
            if (!part.isBlank()) {
              values.add(part.trim());
            }
          }
        } else {
          values.add(v.trim());
        }
      }
      String v = values.isEmpty() ? "" : values.get(values.size() - 1);
      try {
        switch (name) {
          case "listen" -> values.forEach(x -> c.listen.add(Multiaddr.parse(x)));
          case "announce" -> values.forEach(x -> c.announce.add(Multiaddr.parse(x)));
          case "public-cidr" -> c.publicCidrs.addAll(values);
          case "identity" -> c.identity = Path.of(v);
          case "metrics" -> c.metrics = v;
          case "allow-private-addrs" -> c.allowPrivateAddrs = bool(v);
          case "unlimited", "config" -> { }
          case "drain-timeout" -> c.drainTimeout = duration(v);
          case "max-reservations" -> b.maxReservations(Integer.parseInt(v));
          case "max-reservations-per-ip" -> b.maxReservationsPerIp(Integer.parseInt(v));
          case "max-circuits" -> b.maxCircuits(Integer.parseInt(v));
          case "max-circuits-per-peer" -> b.maxCircuitsPerPeer(Integer.parseInt(v));
          case "reservation-ttl" -> b.reservationTtl(duration(v));
          case "max-circuit-duration" -> b.maxCircuitDuration(duration(v));
          case "max-circuit-data" -> b.maxCircuitData(Long.parseLong(v));
          case "max-message-size" -> b.maxMessageSize(Integer.parseInt(v));
          case "stream-timeout" -> b.streamTimeout(duration(v));
          case "connect-timeout" -> b.connectTimeout(duration(v));
          case "stop-handshake-timeout" -> b.stopHandshakeTimeout(duration(v));
          case "limit-flush-timeout" -> b.limitFlushTimeout(duration(v));
          case "reservation-sweep-interval" -> b.reservationSweepInterval(duration(v));
          default -> throw new IllegalArgumentException("unknown setting " + name);
        }
      } catch (NumberFormatException | DateTimeParseException bad) {
        throw new IllegalArgumentException("bad value for " + name + ": '" + v + "'", bad);
      }
    }
    if (c.listen.isEmpty()) {
      c.listen.add(Multiaddr.parse("/ip4/0.0.0.0/tcp/4001"));
    }
    if (c.metrics != null && c.metrics.lastIndexOf(':') < 0) {
      throw new IllegalArgumentException("--metrics needs host:port, got '" + c.metrics + "'");
    }
    c.limiter = b.build();
    return c;
  }

  private static String one(Map<String, List<String>> s, String name, String dflt) {
    List<String> v = s.get(name);
    return v == null || v.isEmpty() ? dflt : v.get(v.size() - 1);
  }

  private static boolean bool(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("not a boolean: '" + v + "'");
    };
  }

  /** Parses {@code 500ms}, {@code 90s}, {@code 2m}, {@code 1h}, {@code 1d}, plain seconds, or ISO-8601. */
  static Duration duration(String v) {
    String t = v.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
    }
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
    String n = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
    long amount = Long.parseLong(n);
    return switch (unit) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default -> {
        if (Character.isDigit(unit)) {
          yield Duration.ofSeconds(amount);
        }
        throw new NumberFormatException("unknown duration unit in '" + v + "'");
      }
    };
  }

  /** The {@code --help} text. */
  static String usage() {
    StringBuilder sb = new StringBuilder(
        "usage: java -jar relay-server.jar [--listen MA]... [--identity key.pem] [--config relay.properties]\n"
            + "                                 [--metrics host:port] [--<limit> value]...\n\n");
    SETTINGS.forEach((k, v) -> sb.append(String.format("  --%-28s %s%n", k, v)));
    return sb.toString();
  }
}
