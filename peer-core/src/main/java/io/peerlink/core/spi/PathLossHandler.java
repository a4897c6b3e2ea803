package io.peerlink.core.spi;

import io.peerlink.core.Peer;
import io.peerlink.core.PeerHandle;
import java.util.concurrent.CompletableFuture;

/**
 * A reconnection policy's hook into the per-peer handles: told at once when a connection of a
 * handle closes, before the handle decides whether the peer is gone. The policy answers with the
 * attempt it starts (a new punch or direct dial beside a surviving relayed connection, a dial
 * through another relay when the last connection died), and the handle stays open until that
 * attempt completes; a connection the attempt makes joins the handle by itself.
 */
@FunctionalInterface
public interface PathLossHandler {

  /**
   * A connection of {@code handle} closed. Runs on that connection's event loop: start the
   * attempt and return, never block.
   *
   * @param handle the peer's handle; {@link PeerHandle#connections()} are the survivors
   * @param lost the connection that closed
   * @return the reconnection attempt, or null when the policy does not reconnect
   */
  CompletableFuture<?> pathLost(PeerHandle handle, Peer lost);
}
