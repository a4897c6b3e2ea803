package io.peerlink.relay;

/**
 * Hears a {@link RelayService}'s state changes, in order, on the service's event executor. Must
 * not block for long: later events wait.
 */
@FunctionalInterface
public interface RelayStateListener {
  /**
   * The service moved from one state to another.
   *
   * @param change the states, and the failure and retry delay when there is one
   */
  void stateChanged(RelayStateChange change);
}
