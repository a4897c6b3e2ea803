package io.peerlink.core.event;

/** The ways of reaching a peer, in the order they are tried. */
public enum DialStage {
  /** A direct connection to one of the peer's own addresses (or one it dials back to us). */
  DIRECT("direct"),
  /** A DCUtR hole punch over a relayed connection. */
  HOLE_PUNCH("holepunch"),
  /** A connection through a Circuit Relay v2 relay. */
  RELAY("relay");

  private final String label;

  DialStage(String label) {
    this.label = label;
  }

  /** {@return the stage's name in messages and logs: {@code direct}, {@code holepunch} or {@code relay}} */
  public String label() {
    return label;
  }
}
