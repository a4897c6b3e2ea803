package io.peerlink.relay;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import java.util.List;

/**
 * The result of {@link Manager#dialWithReport}: the connection, the path that won (also
 * {@code peer.path()}) and every stage in order.
 *
 * @param peer the connection the dial returned
 * @param path how it reaches the peer: direct, hole-punched or relayed
 * @param stages each stage tried, in order, with its outcome and timing
 */
public record DialReport(Peer peer, ConnectionPath path, List<DialStage> stages) {
  /**
   * Copies the stages, so the record is immutable.
   *
   * @param peer the connection the dial returned
   * @param path how it reaches the peer: direct, hole-punched or relayed
   * @param stages each stage tried, in order, with its outcome and timing
   */
  public DialReport {
    stages = List.copyOf(stages);
  }
}
