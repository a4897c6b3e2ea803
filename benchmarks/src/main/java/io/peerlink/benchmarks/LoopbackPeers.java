package io.peerlink.benchmarks;

import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.perf.Perf;
import io.peerlink.core.perf.PerfConfig;
import io.peerlink.relay.Manager;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Peers on 127.0.0.1 set up for measuring: a listener serving echo and perf, a relay with no
 * limits, a peer reachable through a relay, and a dialer that reaches relayed addresses. Hole
 * punching and AutoNAT are off so no background traffic runs beside a measurement. Used by the end-to-end
 * benchmark's processes; reusable by JMH benchmarks that need a real circuit.
 */
public final class LoopbackPeers {
  /** Where every peer here listens. */
  public static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");
  /** QUIC v1 on loopback, any free UDP port. */
  public static final Multiaddr QUIC_LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1");
  /** A perf server that sends whatever is asked: benchmarks choose their own sizes. */
  public static final StreamHandler PERF_SERVER =
      Perf.server(PerfConfig.builder().maxDownloadBytes(Long.MAX_VALUE).build());

  private LoopbackPeers() {}

  /** A configuration offering only {@code security} (null: TLS then Noise). */
  public static PeerConfig config(SecurityProtocol security) {
    PeerConfig.Builder b = PeerConfig.builder();
    if (security != null) {
      b.securityProtocols(security);
    }
    return b.build();
  }

  /** A started listener on loopback TCP serving {@code handlers} (protocol to handler). */
  public static Listener listener(PeerConfig config, Map<String, StreamHandler> handlers) throws Exception {
    return listener(config, handlers, List.of(LOOPBACK));
  }

  /** A started listener on {@code addrs} serving {@code handlers} (protocol to handler). */
  public static Listener listener(PeerConfig config, Map<String, StreamHandler> handlers, List<Multiaddr> addrs)
      throws Exception {
    Listener.Builder b = Listener.builder(Identity.generate()).config(config);
    addrs.forEach(b::listenOn);
    handlers.forEach(b::handler);
    Listener l = b.build();
    return l.start().get(30, TimeUnit.SECONDS);
  }

  /** A connector for direct dials. */
  public static Connector connector(PeerConfig config) {
    Connector c = Connector.builder(Identity.generate()).config(config).build();
    return c;
  }

  /** A started relay server with no limits, serving anyone on loopback. */
  public static RelayServer relay(PeerConfig config) throws Exception {
    RelayServer relay = RelayServer.builder(Identity.generate())
        .peerConfig(config)
        .listenOn(LOOPBACK)
        .limiter(RelayLimiter.unlimited())
        .publicAddressFilter(AddressFilter.everything())
        .build();
    return relay.start().get(30, TimeUnit.SECONDS);
  }

  /** A started manager that dials direct and {@code /p2p-circuit} addresses. */
  public static Manager dialer(PeerConfig config) throws Exception {
    return manager(config, Map.of());
  }

  /**
   * A started manager serving {@code handlers} (also over limited relayed connections) that holds
   * a reservation on {@code relay}; completes once reserved.
   */
  public static CompletableFuture<Manager> reservedOn(Multiaddr relay, PeerConfig config,
      Map<String, StreamHandler> handlers) throws Exception {
    Manager m = manager(config, handlers);
    m.setRelayAddr(relay);
    return m.connectRelay().thenApply(r -> m);
  }

  /** The address that reaches {@code target} through {@code relay} (which ends in /p2p/<relay id>). */
  public static Multiaddr circuit(Multiaddr relay, String target) {
    return Multiaddr.parse(relay + "/p2p-circuit/p2p/" + target);
  }

  private static Manager manager(PeerConfig config, Map<String, StreamHandler> handlers) throws Exception {
    Manager.Builder b = Manager.builder(Identity.generate()).config(config).listenOn(LOOPBACK)
        .holePunching(null).autoNat(null);
    handlers.forEach(b::handlerOnLimitedConnections);
    Manager m = b.build();
    return m.start().get(30, TimeUnit.SECONDS);
  }
}
