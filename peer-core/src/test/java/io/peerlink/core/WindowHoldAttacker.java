package io.peerlink.core;

import io.netty.buffer.Unpooled;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.host.PeerConnection;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The window hold: one connection opens {@value #STREAMS} echo streams, stops reading, and fills
 * the 256 KiB window of every stream, so that the host buffers each window and each echo it
 * cannot deliver. And the innocent peer that must still be served meanwhile.
 */
final class WindowHoldAttacker {
  static final int STREAMS = 300;
  static final int WINDOW = 256 * 1024;
  static final PeerConfig CONFIG = PeerConfig.builder().securityProtocols(SecurityProtocol.NOISE).build();

  private WindowHoldAttacker() {}

  /** Starts the attack on {@code host}; closing the returned connector ends it. */
  static Connector attack(Multiaddr host) throws Exception {
    // The attacker holds nothing back: its own limits would only slow it down.
    Connector attacker = Connector.builder(Identity.generate())
        .config(CONFIG.toBuilder().resourceLimits(ResourceLimits.unlimited()).build()).build();
    PeerConnection conn = (PeerConnection) attacker.connect(host).get(20, TimeUnit.SECONDS);
    List<Stream> streams = new ArrayList<>();
    for (int batch = 0; batch < STREAMS; batch += 100) { // yamux lets 256 wait for their ACK
      List<CompletableFuture<Stream>> opening = new ArrayList<>();
      for (int i = batch; i < Math.min(STREAMS, batch + 100); i++) {
        opening.add(conn.newStream(Echo.PROTOCOL_ID, s -> { }));
      }
      for (CompletableFuture<Stream> f : opening) {
        try {
          streams.add(f.get(30, TimeUnit.SECONDS));
        } catch (ExecutionException refused) {
          // The host charges each stream its receive window: past its memory limit it resets new ones.
        }
      }
    }
    // From now on the attacker reads nothing at all, and fills every window.
    conn.channel().eventLoop().submit(() -> conn.channel().config().setAutoRead(false)).get();
    byte[] window = new byte[WINDOW]; // one array behind every write: the attacker's side costs little
    for (Stream s : streams) {
      s.channel().writeAndFlush(Unpooled.wrappedBuffer(window));
    }
    return attacker;
  }

  /** An innocent peer's echo of one mebibyte while the attack goes on; fails if it takes over 30 s. */
  static Duration innocentEcho(Multiaddr host) throws Exception {
    try (Connector innocent = Connector.builder(Identity.generate()).config(CONFIG).build()) {
      Peer peer = innocent.connect(host).get(20, TimeUnit.SECONDS);
      byte[] payload = new byte[1 << 20];
      new Random(7).nextBytes(payload);
      return Echo.roundTrip(peer, payload).get(30, TimeUnit.SECONDS);
    }
  }
}
