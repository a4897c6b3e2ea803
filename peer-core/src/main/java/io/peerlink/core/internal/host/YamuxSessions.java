package io.peerlink.core.internal.host;

import io.netty.channel.ChannelHandler;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.internal.resource.ConnectionScope;
import io.peerlink.core.internal.yamux.YamuxConfig;
import io.peerlink.core.internal.yamux.YamuxSession;

/** Maps the public {@link PeerConfig} onto the muxer's own settings. */
final class YamuxSessions {
  private YamuxSessions() {}

  static YamuxConfig config(PeerConfig c) {
    return YamuxConfig.builder()
        .initialStreamWindow(c.initialStreamWindow())
        .maxStreamWindow(c.maxStreamWindow())
        .maxConcurrentStreams(c.maxStreamsPerPeer())
        .maxPendingInboundStreams(c.maxPendingInboundStreams())
        .maxPendingControlFrames(c.maxPendingControlFrames())
        .streamWriteBufferWaterMark(c.streamWriteBufferLowWaterMark(), c.streamWriteBufferHighWaterMark())
        .keepAliveInterval(c.keepAliveInterval())
        .pingTimeout(c.keepAliveTimeout())
        .build();
  }

  static YamuxSession create(YamuxConfig config, boolean client, ChannelHandler inboundStreamInitializer,
      ConnectionScope resources) {
    return new YamuxSession(client, config, inboundStreamInitializer, resources);
  }
}
