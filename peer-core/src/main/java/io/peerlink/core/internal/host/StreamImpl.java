package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.peerlink.core.Peer;
import io.peerlink.core.Stream;

/** A negotiated stream. */
record StreamImpl(Channel channel, String protocol, Peer peer) implements Stream {}
