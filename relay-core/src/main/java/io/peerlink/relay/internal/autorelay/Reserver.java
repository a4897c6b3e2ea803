package io.peerlink.relay.internal.autorelay;

import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.client.RelayClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * AutoRelay's reservation attempts: the relay client's RESERVE, cut off after the reservation
 * timeout so a silent relay does not hold a slot of ours forever. A relay may still answer after
 * the cut-off; that reservation is handed to {@code lateAnswer}, which lets it go unless it is
 * held by then. Thread-safe.
 */
final class Reserver {
  private final RelayClient client;
  private final Duration timeout;
  private final Consumer<Reservation> lateAnswer;

  /**
   * Attempts through {@code client}.
   *
   * @param client the relay client
   * @param timeout how long an attempt may take
   * @param lateAnswer gets a reservation granted after its attempt was cut off
   */
  Reserver(RelayClient client, Duration timeout, Consumer<Reservation> lateAnswer) {
    this.client = client;
    this.timeout = timeout;
    this.lateAnswer = lateAnswer;
  }

  /**
   * Reserves on the relay at {@code addr}.
   *
   * @param addr the relay's address, ending in {@code /p2p/<relay>}
   * @return a future that completes with the reservation, or fails ({@link #failure} says why in
   *     words), with a {@link TimeoutException} once the timeout has passed
   */
  CompletableFuture<Reservation> reserve(Multiaddr addr) {
    CompletableFuture<Reservation> raw;
    try {
      raw = client.reserve(addr);
    } catch (RuntimeException e) {
      raw = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Reservation> answer = raw;
    return raw.copy().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((r, err) -> {
      if (err != null && CandidateVetter.unwrap(err) instanceof TimeoutException) {
        answer.thenAccept(lateAnswer);
      }
    });
  }

  /**
   * The reason to report for a failed attempt: the failure itself, or a timeout said in words.
   *
   * @param addr the relay's address
   * @param err what {@link #reserve} failed with
   * @return the reason
   */
  Throwable failure(Multiaddr addr, Throwable err) {
    Throwable cause = CandidateVetter.unwrap(err);
    if (cause instanceof TimeoutException) {
      return new PeerException(PeerError.TIMEOUT, "reserving on " + addr + " took longer than " + timeout);
    }
    return cause;
  }
}
