package io.peerlink.core.spi;

import io.peerlink.core.Peer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One connection attempt in progress: its result, and a way to abandon it.
 *
 * @param result completes with the ready connection, or fails with a {@code PeerException}
 * @param cancel abandons the attempt; if it had already succeeded, closes the connection it made
 */
public record DialAttempt(CompletableFuture<Peer> result, Runnable cancel) {
  /**
   * Checks the parts.
   *
   * @param result the attempt's outcome
   * @param cancel abandons the attempt
   */
  public DialAttempt {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(cancel, "cancel");
  }
}
