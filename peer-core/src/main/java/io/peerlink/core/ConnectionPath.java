package io.peerlink.core;

/** How a connection reaches the remote peer. */
public enum ConnectionPath {
  /** A direct transport connection (TCP). */
  DIRECT("direct"),
  /** Carried through a Circuit Relay v2 relay. */
  RELAYED("relayed"),
  /** A direct connection opened by hole punching (DCUtR). */
  HOLE_PUNCHED("holepunched");

  private final String wireName;

  ConnectionPath(String wireName) {
    this.wireName = wireName;
  }

  /** {@return the lower-case name the command-line tool prints as {@code "path"}} */
  public String wireName() {
    return wireName;
  }
}
