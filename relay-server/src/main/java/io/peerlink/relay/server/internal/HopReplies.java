package io.peerlink.relay.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.spi.RefusalLog;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The relay's answers that end a hop stream: a STATUS without a reservation, then close. */
public final class HopReplies {
  private static final Logger log = LoggerFactory.getLogger(HopReplies.class);
  /** Refused reservations and circuits, at INFO, a line per status per second at most. */
  private static final RefusalLog REFUSALS = new RefusalLog(log);

  private HopReplies() {}

  /**
   * Writes a STATUS answer and closes the stream (resets it if the write fails).
   *
   * @param ch the hop stream
   * @param status the status to answer
   */
  public static void respond(Channel ch, RelayStatus status) {
    ch.writeAndFlush(CircuitMessages.encode(ch.alloc(), CircuitMessages.hopStatus(status, null, null)))
        .addListener((ChannelFutureListener) f -> {
          if (f.isSuccess()) {
            ch.close();
          } else {
            StreamChannels.reset(ch);
          }
        });
  }

  /**
   * Refuses a request from {@code peer}: logs why (at INFO, rate-limited by {@link RefusalLog}),
   * answers {@code status} and closes the stream.
   *
   * @param ch the hop stream
   * @param status the status to answer
   * @param why the reason, for the log
   * @param peer the connection the request came on
   * @return {@code status}
   */
  public static RelayStatus refuse(Channel ch, RelayStatus status, String why, Peer peer) {
    REFUSALS.refused(status.name(), peer.peerId() + " at " + peer.remoteAddress(), why);
    respond(ch, status);
    return status;
  }

  /**
   * Whether {@code peer} is connected through a relay: the relay serves neither reservations nor
   * circuits over relayed connections (no relay chains).
   *
   * @param peer the connection a request came on
   * @return whether it is relayed
   */
  public static boolean isRelayed(Peer peer) {
    return peer.path() == ConnectionPath.RELAYED || peer.remoteAddress().isRelayed();
  }
}
