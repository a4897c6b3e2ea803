package io.peerlink.core.internal.resource;

import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ResourceLimits;
import io.peerlink.core.ResourceLimits.Resource;
import io.peerlink.core.ResourceLimits.Scope;
import io.peerlink.core.internal.resource.ResourceManager.ProtocolNode;

/**
 * One stream's scope. Memory is charged to the stream, its connection, peer, protocol (once
 * agreed) and the host, and given back by whoever charged it, byte for byte; {@link #done()}
 * gives back the stream itself. Used on the stream's event loop, except that memory may be
 * given back from any thread.
 */
public final class StreamScope {
  private final ConnectionScope connection;
  private final boolean inbound;
  private final ScopeNode node;
  private volatile ScopeNode[] memoryNodes;
  private String protocol;
  private ProtocolNode protocolNode;
  private boolean negotiating;
  private boolean done;

  StreamScope(ConnectionScope connection, boolean inbound) {
    this.connection = connection;
    this.inbound = inbound;
    this.negotiating = inbound;
    ResourceLimits limits = connection.manager().limits();
    this.node = new ScopeNode(Scope.STREAM, limits.stream(), Long.MAX_VALUE);
    this.memoryNodes = new ScopeNode[] {node, connection.node(), connection.peerNode(), connection.manager().system()};
  }

  private Resource streams() {
    return inbound ? Resource.INBOUND_STREAMS : Resource.OUTBOUND_STREAMS;
  }

  /**
   * Charges the receive window a new stream grants its remote, which is what the remote may make
   * us buffer on it before we grant more.
   *
   * @throws LimitExceededException if a scope is full (the refusal was reported; nothing was charged)
   */
  public void reserveWindow(long bytes) throws LimitExceededException {
    ScopeNode full = ScopeNode.tryAddAll(memoryNodes, Resource.MEMORY, bytes);
    if (full != null) {
      throw new LimitExceededException(connection.report(full, Resource.MEMORY, bytes)
          + "; each stream holds its receive window (" + bytes + " bytes) while open");
    }
  }

  /**
   * Charges a receive window's growth if every scope stays within half its limit, without
   * reporting: growth only speeds a fast reader up, so it must leave the rest of a scope to new
   * streams and outbound bytes (go-yamux reserves its growth at the same low priority).
   *
   * @return whether it was charged
   */
  public boolean tryReserveWindowGrowth(long bytes) {
    return ScopeNode.tryAddAll(memoryNodes, Resource.MEMORY, bytes, true) == null;
  }

  /**
   * Charges {@code bytes} of memory if every scope has room, without reporting: for outbound
   * bytes, which wait rather than being refused.
   */
  public boolean tryReserveMemory(long bytes) {
    return ScopeNode.tryAddAll(memoryNodes, Resource.MEMORY, bytes) == null;
  }

  /** Gives back {@code bytes} charged earlier. */
  public void releaseMemory(long bytes) {
    ScopeNode.removeAll(memoryNodes, Resource.MEMORY, bytes);
  }

  /**
   * The stream's protocol was agreed: charges the stream, and the memory it holds, to the
   * protocol's scope, and ends its negotiation.
   *
   * @return false if the protocol's scope is full (the refusal was reported; the stream should be reset)
   */
  public boolean setProtocol(String protocol) {
    if (done || this.protocol != null) {
      return !done;
    }
    ProtocolNode p = connection.manager().acquireProtocol(protocol);
    if (!p.node.tryAdd(streams(), 1)) {
      connection.manager().releaseProtocol(protocol, p);
      connection.report(p.node, streams(), 1);
      return false;
    }
    long held = node.used(Resource.MEMORY);
    if (held > 0 && !p.node.tryAdd(Resource.MEMORY, held)) {
      p.node.remove(streams(), 1);
      connection.manager().releaseProtocol(protocol, p);
      connection.report(p.node, Resource.MEMORY, held);
      return false;
    }
    this.protocol = protocol;
    this.protocolNode = p;
    ScopeNode[] old = memoryNodes;
    memoryNodes = new ScopeNode[] {old[0], old[1], old[2], p.node, old[3]};
    endNegotiation();
    return true;
  }

  private void endNegotiation() {
    if (negotiating) {
      negotiating = false;
      connection.node().remove(Resource.NEGOTIATING_STREAMS, 1);
    }
  }

  /** {@return the agreed protocol, or null while negotiating} */
  public String protocol() {
    return protocol;
  }

  /** {@return memory this stream holds now} */
  public long memory() {
    return node.used(Resource.MEMORY);
  }

  /** Gives the stream back (once). Memory still charged is given back by its holders. */
  public void done() {
    if (done) {
      return;
    }
    done = true;
    endNegotiation();
    ScopeNode.removeAll(new ScopeNode[] {connection.node(), connection.peerNode(), connection.manager().system()},
        streams(), 1);
    if (protocolNode != null) {
      protocolNode.node.remove(streams(), 1);
      connection.manager().releaseProtocol(protocol, protocolNode);
    }
  }
}
