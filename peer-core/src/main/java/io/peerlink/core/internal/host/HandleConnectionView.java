package io.peerlink.core.internal.host;

import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.Optional;

/**
 * The part of a peer handle's {@link Peer} API that describes one connection (addresses, path,
 * limit, security, muxer): it answers for the selected connection, or for the last one seen
 * while none is open, so the answers do not vanish during a reconnection.
 */
abstract class HandleConnectionView implements Peer {
  private volatile PeerConnection lastSeen;

  /** The connection to describe when none is selected; call with each connection that opens. */
  final void remember(PeerConnection connection) {
    lastSeen = connection;
  }

  /** The connection these methods describe. */
  private Peer described() {
    Optional<Peer> c = current();
    if (c.isPresent()) {
      return c.get();
    }
    PeerConnection last = lastSeen;
    if (last == null) {
      throw new IllegalStateException("no connection to " + peerId() + " has opened yet");
    }
    return last;
  }

  /** {@return the connection new streams open on, if any} */
  abstract Optional<Peer> current();

  @Override
  public Multiaddr remoteAddress() {
    return described().remoteAddress();
  }

  @Override
  public Multiaddr localAddress() {
    return described().localAddress();
  }

  @Override
  public Direction direction() {
    return described().direction();
  }

  @Override
  public ConnectionPath path() {
    return described().path();
  }

  @Override
  public Optional<ConnectionLimit> limit() {
    return described().limit();
  }

  @Override
  public String securityProtocol() {
    return described().securityProtocol();
  }

  @Override
  public String muxer() {
    return described().muxer();
  }

  @Override
  public boolean earlyMuxerNegotiated() {
    return described().earlyMuxerNegotiated();
  }
}
