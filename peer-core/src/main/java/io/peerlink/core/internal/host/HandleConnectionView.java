package io.peerlink.core.internal.host;

import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerStats;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The part of a peer handle's {@link Peer} API that describes connections rather than acting on
 * them. Addresses, path, limit, security and muxer are the selected connection's, or the last one
 * seen while none is open, so the answers do not vanish during a reconnection; the counters add
 * up every open connection's.
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

  /** {@return the open connections, best first} */
  abstract List<PeerConnection> openConnections();

  @Override
  public PeerStats stats() {
    long read = 0, written = 0, sent = 0, received = 0;
    int streams = 0;
    Instant last = Instant.EPOCH;
    for (PeerConnection c : openConnections()) {
      PeerStats s = c.stats();
      read += s.bytesRead();
      written += s.bytesWritten();
      sent += s.messagesSent();
      received += s.messagesReceived();
      streams += s.openStreams();
      last = s.lastActivity().isAfter(last) ? s.lastActivity() : last;
    }
    Optional<Duration> rtt = current().flatMap(c -> c.stats().rtt());
    return new PeerStats(read, written, rtt, last, streams, sent, received);
  }

  @Override
  public int openStreams() {
    return openConnections().stream().mapToInt(PeerConnection::openStreams).sum();
  }


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
