package io.peerlink.relay.server.internal;

import io.netty.channel.Channel;
import io.peerlink.core.internal.yamux.YamuxStreamChannel;

/**
 * Resets a stream: yamux RST, so the remote sees an aborted stream rather than a clean end. Other
 * channel types (relayed-over-relayed, test doubles) are closed.
 *
 * <p>peer-core's public {@code Stream} has no reset yet; until it does this reaches into the yamux
 * channel type.
 */
public final class StreamResets {
  private StreamResets() {}

  public static void reset(Channel ch) {
    if (ch instanceof YamuxStreamChannel yamux) {
      yamux.reset();
    } else {
      ch.close();
    }
  }
}
