package io.peerlink.core.event;

/** Why a circuit through a relay ended. */
public enum CircuitEnd {
  /** Both directions half-closed normally (both sides sent FIN). */
  COMPLETED,
  /** A direction exceeded the relay's data limit per circuit; both ends were reset. */
  DATA_LIMIT,
  /** The relay's duration limit per circuit expired; both ends were reset. */
  DURATION_LIMIT,
  /** One end was reset, closed or failed; the other was reset. */
  RESET,
  /** The relay stopped and the circuit outlived the drain period; both ends were reset. */
  STOPPED
}
