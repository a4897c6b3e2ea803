package io.peerlink.core.event;

/** The kind of request a relay receives on its hop protocol. */
public enum HopRequest {
  /** A reservation (or its refresh). */
  RESERVE,
  /** A circuit to a peer holding a reservation. */
  CONNECT,
  /** A message that could not be parsed, or a status sent as a request. */
  INVALID
}
