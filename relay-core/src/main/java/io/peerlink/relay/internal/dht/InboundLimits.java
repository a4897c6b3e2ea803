package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.TokenBucket;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What one remote peer may ask of our DHT server: streams open at once, and requests per second
 * (a token bucket per peer holding one second's worth). Buckets that refilled are dropped, so
 * the map holds only peers active lately. Thread-safe.
 */
public final class InboundLimits {
  private static final int SWEEP_AT = 1024;

  private final int maxStreamsPerPeer;
  private final int requestsPerSecond;
  private final LongSupplier clock;
  private final Map<PeerId, Integer> streams = new HashMap<>();
  private final Map<PeerId, TokenBucket> rates = new HashMap<>();

  /**
   * Limits of these sizes.
   *
   * @param maxStreamsPerPeer streams one peer may have open
   * @param requestsPerSecond requests one peer may send per second (and at once)
   * @param clock a nanosecond clock
   */
  public InboundLimits(int maxStreamsPerPeer, int requestsPerSecond, LongSupplier clock) {
    this.maxStreamsPerPeer = maxStreamsPerPeer;
    this.requestsPerSecond = requestsPerSecond;
    this.clock = clock;
  }

  /**
   * Counts a new stream of {@code peer}, unless it has the most it may have.
   *
   * @param peer the remote peer
   * @return whether the stream may go on; if so, {@link #streamClosed} must follow
   */
  public synchronized boolean tryOpenStream(PeerId peer) {
    int n = streams.getOrDefault(peer, 0);
    if (n >= maxStreamsPerPeer) {
      return false;
    }
    streams.put(peer, n + 1);
    return true;
  }

  /**
   * Uncounts a stream that {@link #tryOpenStream} admitted.
   *
   * @param peer the remote peer
   */
  public synchronized void streamClosed(PeerId peer) {
    streams.computeIfPresent(peer, (p, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * Takes one request from {@code peer}'s allowance.
   *
   * @param peer the remote peer
   * @return whether the request may be answered
   */
  public synchronized boolean tryRequest(PeerId peer) {
    if (rates.size() >= SWEEP_AT) {
      rates.values().removeIf(TokenBucket::isFull);
    }
    return rates.computeIfAbsent(peer, p -> new TokenBucket(requestsPerSecond, requestsPerSecond, clock)).tryTake();
  }
}
