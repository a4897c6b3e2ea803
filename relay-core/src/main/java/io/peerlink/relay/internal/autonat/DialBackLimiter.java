package io.peerlink.relay.internal.autonat;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.TokenBucket;
import io.peerlink.relay.AutoNatConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The AutoNAT server's limits on dial-backs, so that it cannot be made to dial out on demand: a
 * {@link TokenBucket} per requesting peer ({@link AutoNatConfig#serverPerPeerLimit()} per
 * {@link AutoNatConfig#serverLimitWindow()}) and one for all requests
 * ({@link AutoNatConfig#serverGlobalLimit()} per window). A dial-back takes a token from both, or
 * from neither when either is empty. A peer's bucket is dropped once it has refilled, so only peers
 * seen within about a window are kept.
 *
 * <p>Thread-safe.
 */
final class DialBackLimiter {
  private final int perPeer;
  private final int global;
  private final Duration window;
  private final LongSupplier clock;
  private final TokenBucket all;
  private final Map<PeerId, TokenBucket> byPeer = new HashMap<>();

  /**
   * Limits per {@code window}.
   *
   * @param perPeer dial-backs per requesting peer per window
   * @param global dial-backs in all per window
   * @param window the period both limits count over
   * @param nanoClock the clock, in nanoseconds
   */
  DialBackLimiter(int perPeer, int global, Duration window, LongSupplier nanoClock) {
    this.perPeer = perPeer;
    this.global = global;
    this.window = window;
    this.clock = nanoClock;
    this.all = TokenBucket.perWindow(global, window, nanoClock);
  }

  /**
   * Takes one dial-back for {@code peer}.
   *
   * @param peer the requesting peer
   * @return null if allowed, else which limit refused it (for the E_DIAL_REFUSED text)
   */
  synchronized String acquire(PeerId peer) {
    byPeer.values().removeIf(TokenBucket::isFull);
    TokenBucket mine = byPeer.get(peer);
    if (mine == null) {
      mine = TokenBucket.perWindow(perPeer, window, clock);
    }
    if (!mine.hasToken()) {
      return "rate limit: at most " + perPeer + " dial backs per peer per " + window.toMillis() + " ms";
    }
    if (!all.hasToken()) {
      return "rate limit: at most " + global + " dial backs per " + window.toMillis() + " ms in all";
    }
    mine.tryTake();
    all.tryTake();
    byPeer.put(peer, mine);
    return null;
  }

  /** {@return how many peers' buckets are kept (those not yet refilled)} */
  synchronized int peersTracked() {
    byPeer.values().removeIf(TokenBucket::isFull);
    return byPeer.size();
  }
}
