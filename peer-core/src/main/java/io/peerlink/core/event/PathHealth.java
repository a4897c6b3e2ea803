package io.peerlink.core.event;

/** How one of a peer's connections stands as a path for new streams ({@code PathQuality.health()}). */
public enum PathHealth {
  /** It carries streams and answers pings. */
  HEALTHY("healthy"),
  /**
   * Stream opens or pings failed on it {@code PeerConfig.pathFailureThreshold} times in a row: it
   * ranks below the healthy connections of its kind until it succeeds again.
   */
  FAILING("failing"),
  /**
   * A liveness probe went unanswered ({@code PeerConfig.livenessProbeInterval}): it ranks below
   * every responsive connection, a relayed fallback included, until probes are answered again.
   */
  UNRESPONSIVE("unresponsive");

  private final String label;

  PathHealth(String label) {
    this.label = label;
  }

  /** {@return the state's name in messages and logs} */
  public String label() {
    return label;
  }
}
