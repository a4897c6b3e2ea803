package io.peerlink.relay.server;

import io.peerlink.core.Listener;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.spi.RelayHopOptions;
import io.peerlink.relay.spi.RelayServerProvider;

/**
 * relay-core's way to this module's {@link RelayServer} (registered with {@link java.util.ServiceLoader}):
 * serves the relay on a peer's running listener, with the default limits.
 */
public final class ServerProvider implements RelayServerProvider {

  @Override
  public RelayHop serve(Listener listener, RelayHopOptions options) {
    RelayServer.Builder b = RelayServer.builder(Host.of(listener).identity()).host(listener);
    if (options.publicAddressFilter() != null) {
      b.publicAddressFilter(options.publicAddressFilter());
    }
    RelayServer server = b.build();
    server.start().join(); // completes at once: the listener is running
    return () -> server.stop(options.drain());
  }
}
