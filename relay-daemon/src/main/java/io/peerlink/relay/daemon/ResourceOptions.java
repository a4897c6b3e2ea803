package io.peerlink.relay.daemon;

import io.peerlink.core.PeerConfig;
import io.peerlink.core.ResourceLimits;
import io.peerlink.core.ResourceLimits.Limit;
import io.peerlink.core.ResourceLimits.Scope;
import picocli.CommandLine.Option;

/**
 * The resource manager's limits ({@link ResourceLimits}) as options: one per scope and resource
 * that applies there, named {@code --<scope>-<resource>}. A limit left out keeps the library's
 * default, shown in the help.
 */
final class ResourceOptions {
  private static final ResourceLimits D = ResourceLimits.defaults();

  @Option(names = "--system-memory", paramLabel = "BYTES", order = 61,
      description = "Bytes remotes may make the relay buffer, all together (default: 134217728).")
  Long systemMemory;

  @Option(names = "--system-inbound-streams", paramLabel = "N", order = 62,
      description = "Streams remotes opened, open at once (default: 4096).")
  Integer systemInboundStreams;

  @Option(names = "--system-outbound-streams", paramLabel = "N", order = 63,
      description = "Streams the relay opened, open at once (default: 4096).")
  Integer systemOutboundStreams;

  @Option(names = "--system-inbound-connections", paramLabel = "N", order = 64,
      description = "Authenticated inbound connections (default: 1024).")
  Integer systemInboundConnections;

  @Option(names = "--system-outbound-connections", paramLabel = "N", order = 65,
      description = "Authenticated outbound connections (default: 512).")
  Integer systemOutboundConnections;

  @Option(names = "--peer-memory", paramLabel = "BYTES", order = 66,
      description = "Bytes one peer may make the relay buffer (default: 67108864).")
  Long peerMemory;

  @Option(names = "--peer-inbound-streams", paramLabel = "N", order = 67,
      description = "Streams one peer opened, open at once (default: 1024).")
  Integer peerInboundStreams;

  @Option(names = "--peer-outbound-streams", paramLabel = "N", order = 68,
      description = "Streams the relay opened to one peer (default: 1024).")
  Integer peerOutboundStreams;

  @Option(names = "--peer-inbound-connections", paramLabel = "N", order = 69,
      description = "Connections one peer opened to the relay (default: 8).")
  Integer peerInboundConnections;

  @Option(names = "--peer-outbound-connections", paramLabel = "N", order = 70,
      description = "Connections the relay opened to one peer (default: 8).")
  Integer peerOutboundConnections;

  @Option(names = "--connection-memory", paramLabel = "BYTES", order = 71,
      description = "Bytes one connection may make the relay buffer (default: 33554432).")
  Long connectionMemory;

  @Option(names = "--connection-inbound-streams", paramLabel = "N", order = 72,
      description = "Streams the remote opened on one connection (default: 1024).")
  Integer connectionInboundStreams;

  @Option(names = "--connection-outbound-streams", paramLabel = "N", order = 73,
      description = "Streams the relay opened on one connection (default: 1024).")
  Integer connectionOutboundStreams;

  @Option(names = "--negotiating-streams", paramLabel = "N", order = 74,
      description = "Inbound streams per connection still negotiating their protocol (default: 256).")
  Integer negotiatingStreams;

  @Option(names = "--protocol-memory", paramLabel = "BYTES", order = 75,
      description = "Bytes the streams of one protocol may buffer, all together (default: 67108864).")
  Long protocolMemory;

  @Option(names = "--protocol-inbound-streams", paramLabel = "N", order = 76,
      description = "Streams of one protocol remotes opened (default: 2048).")
  Integer protocolInboundStreams;

  @Option(names = "--protocol-outbound-streams", paramLabel = "N", order = 77,
      description = "Streams of one protocol the relay opened (default: 2048).")
  Integer protocolOutboundStreams;

  @Option(names = "--stream-memory", paramLabel = "BYTES", order = 78,
      description = "Bytes one stream may make the relay buffer (default: 25165824).")
  Long streamMemory;

  /** The limits: the defaults with each given setting applied. */
  ResourceLimits build() {
    return ResourceLimits.builder()
        .system(limit(D.system(), systemMemory, systemInboundStreams, systemOutboundStreams,
            systemInboundConnections, systemOutboundConnections))
        .peer(limit(D.peer(), peerMemory, peerInboundStreams, peerOutboundStreams,
            peerInboundConnections, peerOutboundConnections))
        .connection(limit(D.connection(), connectionMemory, connectionInboundStreams, connectionOutboundStreams,
            null, null))
        .protocol(limit(D.protocol(), protocolMemory, protocolInboundStreams, protocolOutboundStreams, null, null))
        .stream(limit(D.of(Scope.STREAM), streamMemory, null, null, null, null))
        .build();
  }

  /** Sets the limits, and the negotiating bound when given, on {@code b}. */
  PeerConfig.Builder applyTo(PeerConfig.Builder b) {
    b.resourceLimits(build());
    if (negotiatingStreams != null) {
      b.maxPendingInboundStreams(negotiatingStreams);
    }
    return b;
  }

  private static Limit limit(Limit d, Long memory, Integer inStreams, Integer outStreams, Integer inConns,
      Integer outConns) {
    return new Limit(memory != null ? memory : d.memory(),
        inStreams != null ? inStreams : d.inboundStreams(),
        outStreams != null ? outStreams : d.outboundStreams(),
        inConns != null ? inConns : d.inboundConnections(),
        outConns != null ? outConns : d.outboundConnections());
  }
}
