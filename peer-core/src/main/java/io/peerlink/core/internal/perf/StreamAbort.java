package io.peerlink.core.internal.perf;

import io.netty.channel.Channel;
import io.peerlink.core.internal.yamux.YamuxStreamChannel;

/**
 * Ends a perf stream that failed with a yamux RST, so the remote sees an aborted stream and not
 * a clean (and wrongly sized) end; other channel types are closed.
 */
final class StreamAbort {
  private StreamAbort() {}

  static void reset(Channel ch) {
    if (ch instanceof YamuxStreamChannel yamux) {
      yamux.reset();
    } else {
      ch.close();
    }
  }
}
