package io.peerlink.core.internal.host;

import io.peerlink.core.PeerHandle;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.PathLossHandler;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peer handles of one host: every ready connection, inbound or outbound, direct, punched or
 * relayed, joins the handle of its peer, made on its first connection (or when a module keeps a
 * peer open for a dial) and dropped when it closes or the peer is given up.
 */
final class PeerHandles {
  private final HostCore core;
  private final ConcurrentHashMap<PeerId, PeerHandleImpl> handles = new ConcurrentHashMap<>();
  private volatile PathLossHandler pathLoss;

  PeerHandles(HostCore core) {
    this.core = core;
  }

  /** A connection is ready: it joins its peer's handle. */
  void connected(PeerConnection connection) {
    while (!handleOf(connection.peerId()).add(connection)) {
      // The handle closed between the lookup and the add; the next lookup makes a new one.
    }
  }

  /** A connection closed: its handle lets it go. */
  void disconnected(PeerConnection connection) {
    PeerHandleImpl h = handles.get(connection.peerId());
    if (h != null) {
      h.remove(connection);
    }
  }

  Optional<PeerHandle> get(PeerId peer) {
    return Optional.ofNullable(handles.get(peer));
  }

  PeerHandle keepOpen(PeerId peer, CompletableFuture<?> attempt) {
    while (true) {
      PeerHandleImpl h = handleOf(peer);
      if (h.keepOpen(attempt)) {
        return h;
      }
    }
  }

  void pathLossHandler(PathLossHandler handler) {
    this.pathLoss = handler;
  }

  PathLossHandler pathLossHandler() {
    return pathLoss;
  }

  /** {@code handle} closed or gave up: a later connection to its peer starts a new one. */
  void removed(PeerHandleImpl handle) {
    handles.remove(handle.peerId(), handle);
  }

  private PeerHandleImpl handleOf(PeerId peer) {
    return handles.compute(peer, (p, h) -> h == null || h.isClosed() ? new PeerHandleImpl(core, p, this) : h);
  }
}
