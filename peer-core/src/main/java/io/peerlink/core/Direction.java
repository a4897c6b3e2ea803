package io.peerlink.core;

/** Which side opened a connection. */
public enum Direction {
  /** The remote peer dialed us. */
  INBOUND,
  /** We dialed the remote peer. */
  OUTBOUND
}
