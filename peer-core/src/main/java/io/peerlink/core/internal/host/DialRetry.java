package io.peerlink.core.internal.host;

import io.peerlink.core.DialPolicy;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When a failed dial round is tried again: only after failures that another try may cure (the
 * connect failed, timed out or broke), never after one that will repeat (the remote proved another
 * peer ID, or speaks no protocol we offer); at most {@link DialPolicy#maxAttempts()} rounds, waiting
 * the policy's jittered exponential backoff between them.
 */
final class DialRetry {
  private final DialPolicy policy;
  private final RandomGenerator random;

  DialRetry(DialPolicy policy, RandomGenerator random) {
    this.policy = policy;
    this.random = random;
  }

  /** Whether another try may succeed where this error happened. */
  static boolean retryable(PeerException e) {
    return e.kind() == PeerError.CONNECT || e.kind() == PeerError.TIMEOUT || e.kind() == PeerError.IO;
  }

  /** The wait before the round after {@code round} (counted from 1) failed with {@code error}; null: give up. */
  Duration after(int round, PeerException error) {
    return retryable(error) && round < policy.maxAttempts() ? policy.backoff(round, random) : null;
  }
}
