package io.peerlink.core.internal.yamux;

import io.netty.channel.Channel;
import io.peerlink.core.ConnectionLostException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import java.net.SocketAddress;

/**
 * Names why a yamux session ended, for the streams, pings and sends it cuts short: this side
 * closed it, the session failed (a protocol violation, a limit, the remote's error go away), or the
 * connection was lost under it ({@link ConnectionLostException}: closed or reset by the remote
 * without ending its streams).
 */
final class SessionEnd {
  private SessionEnd() {}

  /**
   * The failure for whatever the session still carried.
   *
   * @param connection the connection channel, for the remote address; null if unknown
   * @param closedLocally whether this side closed the connection
   * @param remoteGoAway whether the remote had announced it was going away
   * @param endCause the transport error or session failure that ended it, or null
   */
  static PeerException cause(Channel connection, boolean closedLocally, boolean remoteGoAway,
      Throwable endCause) {
    String remote = describe(connection == null ? null : connection.remoteAddress());
    if (endCause instanceof PeerException failure) {
      return new PeerException(failure.kind(),
          "connection to " + remote + " ended: " + failure.getMessage(), failure);
    }
    if (closedLocally && endCause == null) {
      return new PeerException(PeerError.IO,
          "connection to " + remote + " was closed by this side while the stream was open");
    }
    String how = endCause != null
        ? "was reset (" + endCause.getMessage() + ")"
        : remoteGoAway
            ? "was closed by the remote after it announced going away, before this stream ended"
            : "was closed by the remote without ending its streams";
    return new ConnectionLostException("connection to " + remote + " lost mid-stream: it " + how
        + "; the peer may have crashed, been killed or lost its network. What it received of"
        + " unfinished transfers is unknown: connect again and retry them", endCause);
  }

  private static String describe(SocketAddress address) {
    return address == null ? "the remote peer" : address.toString();
  }
}
