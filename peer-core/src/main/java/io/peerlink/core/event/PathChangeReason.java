package io.peerlink.core.event;

/** Why a peer handle moved new streams from one connection to another. */
public enum PathChangeReason {
  /** The first connection to the peer opened (or the first after none was left). */
  FIRST("first"),
  /**
   * A connection of a better kind opened: direct beside relayed (a hole punch or a connection
   * reversal won), or unlimited beside limited.
   */
  BETTER_PATH("better-path"),
  /** A connection of the same kind measured a clearly better round-trip time for long enough. */
  BETTER_QUALITY("better-quality"),
  /** The selected connection closed; the next-best one took over, or none is left. */
  PATH_LOST("path-lost"),
  /**
   * The selected connection failed {@code PeerConfig.pathFailureThreshold} stream opens or pings
   * in a row and was demoted; a healthy connection of the same kind took over.
   */
  PATH_FAILING("path-failing"),
  /**
   * The selected connection left a liveness probe unanswered ({@code PeerConfig.livenessProbeInterval})
   * while another connection was open: the best responsive one took over, of whatever kind (a
   * relayed fallback beside a punched connection that went silent). The silent one stays open.
   */
  PATH_UNRESPONSIVE("path-unresponsive"),
  /**
   * A connection of a better kind that had been unresponsive answered its liveness probes again
   * and took new streams back.
   */
  PATH_RECOVERED("path-recovered"),
  /**
   * A healthy connection of the same kind, with about the same round-trip time (neither clearly
   * faster), carried clearly more data recently ({@code PeerConfig.pathThroughputRatio}).
   */
  BETTER_THROUGHPUT("better-throughput");

  private final String label;

  PathChangeReason(String label) {
    this.label = label;
  }

  /** {@return the reason's name in messages and logs} */
  public String label() {
    return label;
  }
}
