package io.peerlink.relay.spi;

import io.peerlink.core.Listener;
import java.util.concurrent.CompletableFuture;

/**
 * Serves the relay (hop) protocol on a running host, so that {@code RelayService.enable()} and
 * {@code Manager.enableRelay()} can turn a peer into a relay without relay-core depending on the
 * relay server. peerlink's relay-server module provides one through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.peerlink.relay.spi.RelayServerProvider}); an application may hand
 * its own to the builders instead.
 */
public interface RelayServerProvider {

  /**
   * Starts serving the hop protocol on {@code listener}'s host (its identity is the relay's). The
   * listener is already running and stays the caller's.
   *
   * @param listener the host to serve on
   * @param options the hop options
   * @return the running hop service
   */
  RelayHop serve(Listener listener, RelayHopOptions options);

  /** A running relay; {@link #stop()} ends it (open circuits are reset). */
  interface RelayHop {
    /**
     * Stops serving the hop protocol and resets open circuits.
     *
     * @return a future that completes once the relay has stopped
     */
    CompletableFuture<Void> stop();
  }
}
