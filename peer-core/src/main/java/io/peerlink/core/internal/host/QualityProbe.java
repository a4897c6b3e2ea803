package io.peerlink.core.internal.host;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.List;

/**
 * Quality pings for one peer's handle: every {@code PeerConfig.qualityPingInterval}, one yamux
 * ping on each of its connections, but only while it has more than one, since with one there is
 * nothing to choose and keep-alive measures the RTT anyway. The round trips reach the handle's
 * path selector through each connection's RTT observer; every ping counts toward its path's health
 * (a failed one against it, an answered one for it). Each ping also ends a throughput interval:
 * what each connection carried since the last one is reported ({@code pathQualityMeasured}) and
 * handed to the path selector, which may move new streams for it.
 */
final class QualityProbe {
  private final PeerHandleImpl handle;
  private final MultiPathTicker ticker;

  QualityProbe(PeerHandleImpl handle, Duration interval, EventExecutor timer) {
    this.handle = handle;
    this.ticker = new MultiPathTicker(interval, timer, this::tick);
  }

  /** The handle now has {@code connections} connections: start or stop pinging. */
  void connections(int connections) {
    ticker.connections(connections);
  }

  void stop() {
    ticker.stop();
  }

  private void tick() {
    List<PathMeter> meters = handle.meters();
    for (int i = 0; i < meters.size(); i++) {
      PathMeter m = meters.get(i);
      handle.qualityMeasured(m.endInterval(i == 0));
      PeerConnection c = m.connection();
      c.muxerPing().whenComplete((rtt, error) -> {
        handle.outcome(m, error == null);
        if (error == null) {
          handle.rttMeasured(c, rtt);
        }
      });
    }
    handle.throughputMeasured();
  }
}
