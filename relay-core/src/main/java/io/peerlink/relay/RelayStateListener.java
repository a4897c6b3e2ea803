package io.peerlink.relay;

/**
 * Hears a {@link RelayService}'s state changes, in order, on the service's event executor. Must
 * not block for long: later events wait.
 */
@FunctionalInterface
public interface RelayStateListener {
  void stateChanged(RelayStateChange change);
}
