package io.peerlink.relay;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import java.util.List;

/**
 * The result of {@link Manager#dialWithReport}: the connection, the path that won (also
 * {@code peer.path()}) and every stage in order.
 */
public record DialReport(Peer peer, ConnectionPath path, List<DialStage> stages) {
  public DialReport {
    stages = List.copyOf(stages);
  }
}
