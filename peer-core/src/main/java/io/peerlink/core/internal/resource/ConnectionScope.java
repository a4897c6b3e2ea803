package io.peerlink.core.internal.resource;

import io.peerlink.core.Direction;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ResourceLimits.Resource;
import io.peerlink.core.ResourceLimits.Scope;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.resource.ResourceManager.PeerNode;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection's scope, under its peer's and the system's: the streams of the connection are
 * opened here. {@link #done()} gives the connection back; each stream gives back its own share.
 * Thread-safe.
 */
public final class ConnectionScope {
  private final ResourceManager manager;
  private final PeerId peer;
  private final PeerNode peerNode;
  private final ScopeNode node;
  private final Resource direction;
  private final Object remote;
  private final AtomicBoolean done = new AtomicBoolean();

  ConnectionScope(ResourceManager manager, PeerId peer, PeerNode peerNode, ScopeNode node, Resource direction,
      Object remote) {
    this.manager = manager;
    this.peer = peer;
    this.peerNode = peerNode;
    this.node = node;
    this.direction = direction;
    this.remote = remote;
  }

  /** A scope that limits nothing, for a muxer session used on its own. */
  public static ConnectionScope unlimited() {
    try {
      return ResourceManager.unlimited().openConnection(null, Direction.INBOUND, "local");
    } catch (LimitExceededException e) {
      throw new AssertionError("an unlimited scope refused a connection", e);
    }
  }

  /**
   * Charges a stream the remote opened: one inbound stream to this connection, its peer and the
   * host, and one negotiating stream to this connection until {@link StreamScope#setProtocol}.
   *
   * @return the stream's scope, or null if a scope is full (the refusal was reported)
   */
  public StreamScope openInbound() {
    ScopeNode[] nodes = {node, peerNode.node, manager.system()};
    if (!node.tryAdd(Resource.NEGOTIATING_STREAMS, 1)) {
      report(node, Resource.NEGOTIATING_STREAMS, 1);
      return null;
    }
    ScopeNode full = ScopeNode.tryAddAll(nodes, Resource.INBOUND_STREAMS, 1);
    if (full != null) {
      node.remove(Resource.NEGOTIATING_STREAMS, 1);
      report(full, Resource.INBOUND_STREAMS, 1);
      return null;
    }
    return new StreamScope(this, true);
  }

  /**
   * Charges a stream this host opens: one outbound stream to this connection, its peer and the host.
   *
   * @throws LimitExceededException if a scope is full (the refusal was reported)
   */
  public StreamScope openOutbound() throws LimitExceededException {
    ScopeNode[] nodes = {node, peerNode.node, manager.system()};
    ScopeNode full = ScopeNode.tryAddAll(nodes, Resource.OUTBOUND_STREAMS, 1);
    if (full != null) {
      throw new LimitExceededException(report(full, Resource.OUTBOUND_STREAMS, 1));
    }
    return new StreamScope(this, false);
  }

  /**
   * Reports that the remote left more control frames unread than the muxer queues for it; the
   * muxer closes the connection.
   *
   * @param limit the configured bound
   */
  public void controlFramesExceeded(int limit) {
    manager.observer().exceeded(Scope.CONNECTION, Resource.CONTROL_FRAMES, remote,
        "the remote does not read the replies it asks for: over " + limit
            + " control frames queued (PeerConfig.maxPendingControlFrames); closing the connection");
  }

  /** Gives the connection back (once; later calls do nothing). */
  public void done() {
    if (done.compareAndSet(false, true)) {
      manager.closeConnection(peer, peerNode, direction);
    }
  }

  /** {@return how much of {@code resource} this connection and its streams hold now} */
  public long used(Resource resource) {
    return node.used(resource);
  }

  String report(ScopeNode full, Resource r, long asked) {
    String detail = ResourceManager.refusal(full, r, asked);
    manager.observer().exceeded(full.scope, r, remote, detail);
    return detail;
  }

  ResourceManager manager() {
    return manager;
  }

  ScopeNode node() {
    return node;
  }

  ScopeNode peerNode() {
    return peerNode.node;
  }

  @Override
  public String toString() {
    return "ConnectionScope(" + remote + ")";
  }
}
