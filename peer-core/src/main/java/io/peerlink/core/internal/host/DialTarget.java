package io.peerlink.core.internal.host;

import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;

/** One resolved address to dial, and the multiaddr that names it in events and errors. */
record DialTarget(InetSocketAddress socket, Multiaddr addr) {}
