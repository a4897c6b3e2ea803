package io.peerlink.relay.internal.client;

import io.netty.channel.Channel;
import io.peerlink.core.internal.yamux.YamuxStreamChannel;

/**
 * Aborts a stream with a yamux RST, so the relay sees a failed exchange rather than a clean end;
 * other channel types are closed. peer-core's public {@code Stream} has no reset yet.
 */
final class StreamResets {
  private StreamResets() {}

  static void reset(Channel ch) {
    if (ch instanceof YamuxStreamChannel yamux) {
      yamux.reset();
    } else {
      ch.close();
    }
  }
}
