package io.peerlink.core.event;

/** Our side of a DCUtR hole punch (libp2p/specs relay/DCUtR.md). */
public enum PunchRole {
  /**
   * The side that accepted the relayed connection ("B" in the spec): it opens the DCUtR stream,
   * sends CONNECT, measures the round trip and dials half a round trip after its SYNC.
   */
  INITIATOR,
  /** The side that dialed through the relay ("A" in the spec): it answers CONNECT and dials on SYNC. */
  RESPONDER
}
