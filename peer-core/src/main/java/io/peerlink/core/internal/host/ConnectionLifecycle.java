package io.peerlink.core.internal.host;

import io.peerlink.core.ConnectionInfo;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerState;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's {@link PeerState} and the events its moves produce: connect, secure handshake,
 * open, close. Created when a dial starts or a connection is accepted, and carried through the
 * upgrade into the {@link PeerConnection}.
 */
public final class ConnectionLifecycle {
  private static final AtomicLong IDS = new AtomicLong();

  private final PeerStateMachine state = new PeerStateMachine();
  private final EventDispatcher.Scope events;
  private final ConnectionInfo info;
  private final long startedNanos = System.nanoTime();
  private volatile long handshakeStartedNanos;

  private ConnectionLifecycle(EventDispatcher.Scope events, ConnectionInfo info) {
    this.events = events;
    this.info = info;
  }

  /** A new connection in {@link PeerState#CONNECTING}. */
  public static ConnectionLifecycle start(HostCore core, Direction direction, Multiaddr remote, PeerId expected) {
    ConnectionLifecycle lc = new ConnectionLifecycle(core.events().forConnection(direction, remote),
        new ConnectionInfo(IDS.incrementAndGet(), direction, remote, Optional.ofNullable(expected)));
    lc.events.emit(l -> l.connectStart(direction, remote));
    return lc;
  }

  public ConnectionInfo info() {
    return info;
  }

  public PeerState state() {
    return state.state();
  }

  /** The transport is up: the handshake starts. False if the attempt already ended (cancelled). */
  boolean handshaking() {
    if (!tryMove(PeerState.HANDSHAKING)) {
      return false;
    }
    handshakeStartedNanos = System.nanoTime();
    Duration took = Duration.ofNanos(handshakeStartedNanos - startedNanos);
    events.emit(l -> l.connectEnd(info.direction(), info.remoteAddress(), took));
    events.emit(l -> l.secureStart(info));
    return true;
  }

  /** The upgrade finished. False if the attempt already ended (cancelled or dropped meanwhile). */
  boolean connected(Peer peer) {
    if (!tryMove(PeerState.CONNECTED)) {
      return false;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - handshakeStartedNanos);
    events.emit(l -> l.secureEnd(info, peer.peerId(), peer.securityProtocol(), took));
    events.emit(l -> l.connectionOpened(peer));
    return true;
  }

  /** Connecting or the handshake failed; the channel is being closed. */
  void failed(PeerException error) {
    PeerState from = state.tryMoveTo(PeerState.DISCONNECTED);
    if (from == null) {
      return;
    }
    emitMove(from, PeerState.DISCONNECTED);
    if (from == PeerState.HANDSHAKING) {
      events.emit(l -> l.secureFailed(info, error));
    } else if (from == PeerState.CONNECTING) {
      events.emit(l -> l.connectFailed(info.direction(), info.remoteAddress(), error));
    }
  }

  /** We started closing a connected peer; false if it was not connected (already closing or closed). */
  boolean disconnecting() {
    PeerState from = state.tryMoveTo(PeerState.DISCONNECTING);
    if (from != null) {
      emitMove(from, PeerState.DISCONNECTING);
    }
    return from != null;
  }

  /** The channel closed. */
  void disconnected(Peer peer, Throwable cause) {
    PeerState from = state.tryMoveTo(PeerState.DISCONNECTED);
    if (from == null) {
      return;
    }
    emitMove(from, PeerState.DISCONNECTED);
    if (from == PeerState.HANDSHAKING) {
      PeerException pe = new PeerException(PeerError.IO, "connection closed before the upgrade finished");
      events.emit(l -> l.secureFailed(info, pe));
    } else {
      events.emit(l -> l.connectionClosed(peer, cause));
    }
  }

  private boolean tryMove(PeerState to) {
    PeerState from = state.tryMoveTo(to);
    if (from == null) {
      if (state.state() == PeerState.DISCONNECTED) {
        return false; // lost a race with a cancel or a drop
      }
      throw new IllegalStateException("illegal peer state transition " + state.state() + " -> " + to);
    }
    emitMove(from, to);
    return true;
  }

  private void emitMove(PeerState from, PeerState to) {
    events.emit(l -> l.peerStateChanged(info, from, to));
  }
}
