package io.peerlink.relay.daemon;

import io.peerlink.core.ListenerLimits;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.server.RelayLimiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The relay daemon's settings, as picocli options: defaults, overridden by the {@code --config}
 * properties file, overridden by flags. A flag {@code --name value} and a line {@code name=value}
 * in the file are the same setting. A limit left unset keeps its library default (named in the
 * help text), so the defaults live in one place: {@link RelayLimiter}, {@link ListenerLimits} and
 * {@link io.peerlink.core.ResourceLimits}.
 */
@Command(
    name = "relay-daemon",
    mixinStandardHelpOptions = true,
    versionProvider = DaemonVersion.class,
    sortOptions = false,
    abbreviateSynopsis = true,
    usageHelpAutoWidth = true,
    description = {
      "A Circuit Relay v2 relay: peers behind NATs reserve a slot on it and are reached through it.",
      "Prints one JSON line per event on stdout (listening, stopping, stopped); logs go to stderr.",
      ""
    },
    footer = {
      "",
      "Every option is also a line name=value in the --config file (flags win over the file).",
      "Lists: comma-separated (flags may repeat). Durations: 500ms, 90s, 2m, 1h, 1d, plain seconds,"
          + " or ISO-8601 (PT2M). Relay counts and circuit limits: 0 = unlimited.",
      "SIGTERM or SIGINT stop it gracefully (exit 0 once stopped cleanly);"
          + " 1 if it could not start or stop cleanly, 2 for a usage error."
    })
final class DaemonConfig {

  @Option(names = "--config", paramLabel = "FILE", order = 1,
      description = "Properties file with any of these settings.")
  Path config;

  @Option(names = "--listen", paramLabel = "MULTIADDR", split = ",", order = 2,
      converter = Converters.MultiaddrConverter.class, defaultValue = "/ip4/0.0.0.0/tcp/4001",
      description = "Multiaddr to listen on, TCP (/ip4/0.0.0.0/tcp/4001) or QUIC v1"
          + " (/ip4/0.0.0.0/udp/4001/quic-v1); repeatable (default: ${DEFAULT-VALUE}).")
  List<Multiaddr> listen = new ArrayList<>();

  @Option(names = "--identity", paramLabel = "FILE", defaultValue = "relay-identity.pem", order = 3,
      description = "PEM key file, created on first start and reused after (default: ${DEFAULT-VALUE}).")
  Path identity;

  @Option(names = "--metrics", paramLabel = "HOST:PORT", order = 4,
      converter = Converters.HostPortConverter.class,
      description = "Serve /metrics (Prometheus), /healthz and /readyz over HTTP here (default: off).")
  HostPort metrics;

  @Option(names = "--announce", paramLabel = "MULTIADDR", split = ",", order = 5,
      converter = Converters.MultiaddrConverter.class,
      description = "Addresses to put in reservations instead of the listen addresses (NAT, load balancer).")
  List<Multiaddr> announce = new ArrayList<>();

  @Option(names = "--public-cidr", paramLabel = "CIDR", split = ",", order = 6,
      description = "Extra ranges counted as public for reservation addresses, e.g. 203.0.113.0/24.")
  List<String> publicCidrs = new ArrayList<>();

  @Option(names = "--allow-private-addrs", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
      defaultValue = "false", order = 7,
      description = "Put every address in reservations, loopback and private ones too (default: false).")
  boolean allowPrivateAddrs;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "30s", order = 8,
      converter = Converters.DurationConverter.class,
      description = "How long SIGTERM waits for open circuits before resetting them (default: ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @ArgGroup(validate = false, heading = "%nRelay limits (a limit left out keeps the default shown):%n", order = 20)
  RelayLimits relay = new RelayLimits();

  @ArgGroup(validate = false, heading = "%nListener limits, checked as each TCP connection is accepted:%n", order = 40)
  InboundLimits inbound = new InboundLimits();

  @ArgGroup(validate = false, heading = "%nResource limits: what remotes may make the relay hold, per scope"
      + " (docs/limits.md):%n", order = 60)
  ResourceOptions resources = new ResourceOptions();

  /**
   * Parses a command line, reading the {@code --config} file it names first, and checks every
   * limit against the library's rules (for tests; {@link RelayDaemon} also prints help).
   *
   * @throws picocli.CommandLine.ParameterException naming the bad flag, setting or value
   */
  static DaemonConfig parse(String... args) {
    DaemonConfig cfg = new DaemonConfig();
    CommandLine cmd = new CommandLine(cfg);
    ConfigFile.install(cmd, args);
    cmd.parseArgs(args);
    RelayDaemon.validated(cmd, cfg::limiter);
    RelayDaemon.validated(cmd, cfg::listenerLimits);
    RelayDaemon.validated(cmd, cfg::peerConfig);
    return cfg;
  }

  /** The relay's limits: the preset ({@code --unlimited} or the defaults) with each given setting applied. */
  RelayLimiter limiter() {
    return relay.build();
  }

  /** The listener's limits: the defaults with each given setting applied. */
  ListenerLimits listenerLimits() {
    return inbound.build();
  }

  /** Connection settings: the defaults with the handshake deadline and the resource limits, when given. */
  PeerConfig peerConfig() {
    PeerConfig.Builder b = resources.applyTo(PeerConfig.builder());
    if (inbound.handshakeTimeout != null) {
      b.handshakeTimeout(inbound.handshakeTimeout);
    }
    return b.build();
  }

  /** Relay limits, from {@link RelayLimiter}. */
  static final class RelayLimits {
    @Option(names = "--unlimited", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
        defaultValue = "false", order = 21,
        description = "Start from the unlimited preset (private deployments only), then apply the limits given.")
    boolean unlimited;

    @Option(names = "--max-reservations", paramLabel = "N", order = 22,
        description = "Reservations held at once (default: 128).")
    Integer maxReservations;

    @Option(names = "--max-reservations-per-ip", paramLabel = "N", order = 23,
        description = "Reservations from one IP address (default: 8).")
    Integer maxReservationsPerIp;

    @Option(names = "--max-circuits", paramLabel = "N", order = 24,
        description = "Circuits open at once, relay-wide (default: 1024).")
    Integer maxCircuits;

    @Option(names = "--max-circuits-per-peer", paramLabel = "N", order = 25,
        description = "Circuits one peer takes part in, as source or target (default: 16).")
    Integer maxCircuitsPerPeer;

    @Option(names = "--reservation-ttl", paramLabel = "DURATION", order = 26,
        converter = Converters.DurationConverter.class,
        description = "Reservation lifetime; clients refresh before it lapses (default: 1h).")
    Duration reservationTtl;

    @Option(names = "--max-circuit-duration", paramLabel = "DURATION", order = 27,
        converter = Converters.DurationConverter.class,
        description = "Circuit lifetime, whole seconds; 0 = unlimited (default: 2m).")
    Duration maxCircuitDuration;

    @Option(names = "--max-circuit-data", paramLabel = "BYTES", order = 28,
        description = "Bytes per direction per circuit; 0 = unlimited (default: 131072).")
    Long maxCircuitData;

    @Option(names = "--max-message-size", paramLabel = "BYTES", order = 29,
        description = "Largest hop/stop message (default and maximum: 4096).")
    Integer maxMessageSize;

    @Option(names = "--stream-timeout", paramLabel = "DURATION", order = 30,
        converter = Converters.DurationConverter.class,
        description = "Time for a hop request to arrive on a new stream (default: 1m).")
    Duration streamTimeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", order = 31,
        converter = Converters.DurationConverter.class,
        description = "Time to open the stop stream to a CONNECT's target (default: 30s).")
    Duration connectTimeout;

    @Option(names = "--stop-handshake-timeout", paramLabel = "DURATION", order = 32,
        converter = Converters.DurationConverter.class,
        description = "Time for the target to answer the stop CONNECT (default: 1m).")
    Duration stopHandshakeTimeout;

    @Option(names = "--limit-flush-timeout", paramLabel = "DURATION", order = 33,
        converter = Converters.DurationConverter.class,
        description = "At a data limit, time for the bytes up to it to drain before the reset (default: 10s).")
    Duration limitFlushTimeout;

    @Option(names = "--reservation-sweep-interval", paramLabel = "DURATION", order = 34,
        converter = Converters.DurationConverter.class,
        description = "How often expired reservations are swept (default: 1m).")
    Duration reservationSweepInterval;

    RelayLimiter build() {
      RelayLimiter.Builder b = unlimited ? RelayLimiter.unlimited().toBuilder() : RelayLimiter.builder();
      if (maxReservations != null) {
        b.maxReservations(maxReservations);
      }
      if (maxReservationsPerIp != null) {
        b.maxReservationsPerIp(maxReservationsPerIp);
      }
      if (maxCircuits != null) {
        b.maxCircuits(maxCircuits);
      }
      if (maxCircuitsPerPeer != null) {
        b.maxCircuitsPerPeer(maxCircuitsPerPeer);
      }
      if (reservationTtl != null) {
        b.reservationTtl(reservationTtl);
      }
      if (maxCircuitDuration != null) {
        b.maxCircuitDuration(maxCircuitDuration);
      }
      if (maxCircuitData != null) {
        b.maxCircuitData(maxCircuitData);
      }
      if (maxMessageSize != null) {
        b.maxMessageSize(maxMessageSize);
      }
      if (streamTimeout != null) {
        b.streamTimeout(streamTimeout);
      }
      if (connectTimeout != null) {
        b.connectTimeout(connectTimeout);
      }
      if (stopHandshakeTimeout != null) {
        b.stopHandshakeTimeout(stopHandshakeTimeout);
      }
      if (limitFlushTimeout != null) {
        b.limitFlushTimeout(limitFlushTimeout);
      }
      if (reservationSweepInterval != null) {
        b.reservationSweepInterval(reservationSweepInterval);
      }
      return b.build();
    }
  }

  /** Listener limits, from {@link ListenerLimits}, and the handshake deadline from {@link PeerConfig}. */
  static final class InboundLimits {
    @Option(names = "--max-inbound", paramLabel = "N", order = 41,
        description = "Inbound connections open at once, handshaking or connected (default: 1024).")
    Integer maxInbound;

    @Option(names = "--max-inbound-per-ip", paramLabel = "N", order = 42,
        description = "Inbound connections open at once from one IP address (default: 8).")
    Integer maxInboundPerIp;

    @Option(names = "--accept-rate", paramLabel = "PER_SECOND", order = 43,
        description = "Connections accepted per second on average; 0 = no rate limit (default: 256).")
    Double acceptRate;

    @Option(names = "--accept-burst", paramLabel = "N", order = 44,
        description = "Connections accepted back to back before the rate applies (default: 256).")
    Integer acceptBurst;

    @Option(names = "--upgrade-cooldown", paramLabel = "DURATION", order = 45,
        converter = Converters.DurationConverter.class,
        description = "Least time between two connections from one IP address; 0 = off (default: 0s).")
    Duration upgradeCooldown;

    @Option(names = "--exempt-loopback", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", order = 46,
        description = "Let loopback connections skip these limits; they still count towards the inbound"
            + " total (default: false).")
    Boolean exemptLoopback;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", order = 47,
        converter = Converters.DurationConverter.class,
        description = "Time an accepted connection has to finish its security handshake (default: 10s).")
    Duration handshakeTimeout;

    ListenerLimits build() {
      ListenerLimits defaults = ListenerLimits.defaults();
      ListenerLimits.Builder b = defaults.toBuilder();
      if (maxInbound != null) {
        b.maxInbound(maxInbound);
      }
      if (maxInboundPerIp != null) {
        b.maxInboundPerIp(maxInboundPerIp);
      }
      if (acceptRate != null || acceptBurst != null) {
        double rate = acceptRate == null ? defaults.acceptsPerSecond()
            : acceptRate == 0 ? Double.POSITIVE_INFINITY : acceptRate;
        b.acceptRate(rate, acceptBurst == null ? defaults.acceptBurst() : acceptBurst);
      }
      if (upgradeCooldown != null) {
        b.upgradeCooldown(upgradeCooldown);
      }
      if (exemptLoopback != null) {
        b.exemptLoopback(exemptLoopback);
      }
      return b.build();
    }
  }
}
