package io.peerlink.examples.cli;

import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.identity.Identity;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command that runs a peer shares: its identity and its connection settings. */
final class PeerOptions {
  /** Which security protocols to offer or accept, in order. */
  enum Security {
    tls(List.of(SecurityProtocol.TLS)),
    noise(List.of(SecurityProtocol.NOISE)),
    both(List.of(SecurityProtocol.TLS, SecurityProtocol.NOISE));

    final List<SecurityProtocol> order;

    Security(List<SecurityProtocol> order) {
      this.order = order;
    }
  }

  @Option(names = "--identity", paramLabel = "FILE",
      description = "PEM key file, created on first use and reused after, so the peer ID stays the same"
          + " (default: a new key each run).")
  Path identity;

  @Option(names = "--security", paramLabel = "tls|noise|both", defaultValue = "both",
      description = "Security protocols to offer and accept (default: ${DEFAULT-VALUE}).")
  Security security;

  @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "10000",
      description = "TCP connect and handshake timeout (default: ${DEFAULT-VALUE}).")
  int timeoutMs;

  @Option(names = "--keep-alive-ms", paramLabel = "MS", defaultValue = "30000",
      description = "Interval of keep-alive pings on every connection; an unanswered one closes it"
          + " (default: ${DEFAULT-VALUE}).")
  int keepAliveMs;

  @Option(names = "--keep-alive-timeout-ms", paramLabel = "MS", defaultValue = "10000",
      description = "How long a keep-alive ping may go unanswered before the connection is closed"
          + " (default: ${DEFAULT-VALUE}).")
  int keepAliveTimeoutMs;

  Identity identity() throws IOException, GeneralSecurityException {
    return identity == null ? Identity.generate() : Identity.loadOrCreate(identity);
  }

  PeerConfig config() {
    return PeerConfig.builder()
        .securityProtocols(security.order)
        .connectTimeout(Duration.ofMillis(timeoutMs))
        .handshakeTimeout(Duration.ofMillis(timeoutMs))
        .keepAliveInterval(Duration.ofMillis(keepAliveMs))
        .keepAliveTimeout(Duration.ofMillis(keepAliveTimeoutMs))
        .build();
  }
}
