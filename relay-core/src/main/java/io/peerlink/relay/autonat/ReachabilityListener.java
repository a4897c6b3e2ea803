package io.peerlink.relay.autonat;

/**
 * Told when {@link Reachability} changes, on {@link AutoNatConfig#listenerExecutor()}, one call at
 * a time and in the order the changes happened.
 */
public interface ReachabilityListener {
  /**
   * Reachability went from {@code previous} to {@code current} (never equal).
   *
   * @param previous the reachability before
   * @param current the reachability now
   */
  default void reachabilityChanged(Reachability previous, Reachability current) {}
}
