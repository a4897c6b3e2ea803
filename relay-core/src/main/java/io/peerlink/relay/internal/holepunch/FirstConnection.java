package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several dials to one peer at once (a reversal, a punch to each address): the first connection
 * wins. Unlike peer-core's staggered dial race, all dials start together, as a punch must.
 */
final class FirstConnection {
  private FirstConnection() {}

  /**
   * The first of {@code dials} to succeed (the others are closed when they succeed later), or
   * a {@link PeerError#CONNECT} failure once all failed, naming the last failure.
   *
   * @param dials the dials under way
   * @param what names the race in the failure, such as {@code "reversal"}
   * @return a future that completes with the winning connection
   */
  static CompletableFuture<Peer> first(List<CompletableFuture<Peer>> dials, String what) {
    CompletableFuture<Peer> first = new CompletableFuture<>();
    AtomicInteger left = new AtomicInteger(dials.size());
    for (CompletableFuture<Peer> d : dials) {
      d.whenComplete((p, e) -> {
        if (e == null) {
          if (!first.complete(p)) {
            p.close();
          }
        } else if (left.decrementAndGet() == 0) {
          first.completeExceptionally(new PeerException(PeerError.CONNECT, what + " failed: " + reason(e), e));
        }
      });
    }
    return first;
  }

  /** {@return why {@code t} failed, for a message: its own message, a future's wrapper removed} */
  static String reason(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }
}
