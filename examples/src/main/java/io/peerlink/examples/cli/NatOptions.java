package io.peerlink.examples.cli;

import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.relay.HolePunchConfig;
import io.peerlink.relay.Manager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Hole-punching options, shared by the commands that run a {@link Manager}. */
final class NatOptions {
  @Option(names = "--public-cidr", paramLabel = "CIDR",
      description = "Count this range as public (repeatable); testbeds use documentation ranges such as"
          + " 203.0.113.0/24.")
  List<String> publicCidrs = new ArrayList<>();

  @Option(names = "--no-holepunch", description = "Do not try DCUtR hole punching.")
  boolean noHolePunch;

  @Option(names = "--punch-over", paramLabel = "TRANSPORTS", defaultValue = "tcp,quic", split = ",",
      description = "The transports hole punches use: tcp, quic or both (default: ${DEFAULT-VALUE}); QUIC needs a"
          + " QUIC listen address on both sides.")
  List<String> punchOver = new ArrayList<>();

  @Option(names = "--punch-timeout-ms", paramLabel = "MS", defaultValue = "30000",
      description = "How long a hole punch may take (default: ${DEFAULT-VALUE}).")
  int punchTimeoutMs;

  void apply(Manager.Builder b) {
    AddressFilter f = AddressFilter.internet();
    for (String c : publicCidrs) {
      f = f.withPublic(c);
    }
    b.publicAddressFilter(f);
    if (noHolePunch) {
      b.holePunching(null);
    } else {
      for (String t : punchOver) {
        if (!t.equals("tcp") && !t.equals("quic")) {
          throw new IllegalArgumentException("--punch-over takes tcp, quic or tcp,quic, not " + t);
        }
      }
      b.holePunching(HolePunchConfig.builder()
          .overTcp(punchOver.contains("tcp")).overQuic(punchOver.contains("quic")).build());
    }
    b.punchTimeout(Duration.ofMillis(punchTimeoutMs));
  }
}
