package io.peerlink.relay.server;

/** Why a relayed circuit ended. */
public enum CircuitEnd {
  /** Both directions half-closed normally (both sides sent FIN). */
  COMPLETED,
  /** A direction exceeded {@link RelayLimiter#maxCircuitData()}; both ends were reset. */
  DATA_LIMIT,
  /** {@link RelayLimiter#maxCircuitDuration()} expired; both ends were reset. */
  DURATION_LIMIT,
  /** One end was reset, closed or failed; the other was reset. */
  RESET,
  /** The relay stopped and the circuit outlived the drain period; both ends were reset. */
  STOPPED
}
