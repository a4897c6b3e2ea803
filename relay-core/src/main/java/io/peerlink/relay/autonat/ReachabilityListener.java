package io.peerlink.relay.autonat;

/**
 * Told when {@link Reachability} changes, on {@link AutoNatConfig#listenerExecutor()}, one call at
 * a time and in the order the changes happened.
 */
public interface ReachabilityListener {
  /** Reachability went from {@code previous} to {@code current} (never equal). */
  default void reachabilityChanged(Reachability previous, Reachability current) {}
}
