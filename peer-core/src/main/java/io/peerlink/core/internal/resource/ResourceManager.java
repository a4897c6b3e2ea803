package io.peerlink.core.internal.resource;

import io.peerlink.core.Direction;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ResourceLimits;
import io.peerlink.core.ResourceLimits.Resource;
import io.peerlink.core.ResourceLimits.Scope;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.RefusalLog;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * One host's resource manager: the {@link Scope#SYSTEM system} scope, a scope per connected peer
 * and per protocol in use, and through {@link #openConnection} the scopes of each connection and
 * its streams. A peer's scope lives while the peer has a connection; a protocol's while it has a
 * stream. Thread-safe.
 */
public final class ResourceManager {

  /** Told of every refusal, to log it and count it. */
  @FunctionalInterface
  public interface Observer {
    /**
     * A request was refused.
     *
     * @param scope the scope that had no room
     * @param resource what it had no room for
     * @param remote the peer (or address) the request came from or went to
     * @param detail the limit and what was asked, for the log
     */
    void exceeded(Scope scope, Resource resource, Object remote, String detail);
  }

  private static final RefusalLog UNLIMITED_REFUSALS = new RefusalLog(LoggerFactory.getLogger(ResourceManager.class));
  /** Refuses nothing by itself; what a muxer on its own reports (control frames) is logged. */
  private static final ResourceManager UNLIMITED = new ResourceManager(ResourceLimits.unlimited(), Integer.MAX_VALUE,
      (s, r, remote, d) -> UNLIMITED_REFUSALS.refused("resource limit (" + s + " " + r + ")", remote, d));

  private final ResourceLimits limits;
  private final long negotiatingPerConnection;
  private final Observer observer;
  private final ScopeNode system;
  private final ConcurrentHashMap<PeerId, PeerNode> peers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ProtocolNode> protocols = new ConcurrentHashMap<>();

  /** A peer's scope and how many connections hold it. */
  static final class PeerNode {
    final ScopeNode node;
    int connections; // guarded by the map's compute

    PeerNode(ScopeNode node) {
      this.node = node;
    }
  }

  /** A protocol's scope and how many streams hold it. */
  static final class ProtocolNode {
    final ScopeNode node;
    int streams; // guarded by the map's compute

    ProtocolNode(ScopeNode node) {
      this.node = node;
    }
  }

  /**
   * @param limits the limits of every scope
   * @param negotiatingPerConnection inbound streams one connection may have still negotiating
   * @param observer told of each refusal
   */
  public ResourceManager(ResourceLimits limits, int negotiatingPerConnection, Observer observer) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.negotiatingPerConnection = negotiatingPerConnection;
    this.observer = Objects.requireNonNull(observer, "observer");
    this.system = new ScopeNode(Scope.SYSTEM, limits.system(), Long.MAX_VALUE);
  }

  /** A manager that limits nothing, for a muxer session used on its own. */
  public static ResourceManager unlimited() {
    return UNLIMITED;
  }

  /**
   * Charges a new connection to {@code peer} to its peer's scope and the system scope.
   *
   * @param peer the authenticated remote; null for a connection no peer is known for (charged to
   *     a scope of its own)
   * @param direction who opened it
   * @param remote how to name the remote in the log
   * @throws LimitExceededException if the peer or the host has its most connections that way
   */
  public ConnectionScope openConnection(PeerId peer, Direction direction, Object remote)
      throws LimitExceededException {
    Resource r = direction == Direction.INBOUND ? Resource.INBOUND_CONNECTIONS : Resource.OUTBOUND_CONNECTIONS;
    PeerNode p = peer == null ? new PeerNode(new ScopeNode(Scope.PEER, limits.peer(), Long.MAX_VALUE))
        : peers.compute(peer, (k, v) -> {
          PeerNode n = v != null ? v : new PeerNode(new ScopeNode(Scope.PEER, limits.peer(), Long.MAX_VALUE));
          n.connections++;
          return n;
        });
    ScopeNode full = ScopeNode.tryAddAll(new ScopeNode[] {p.node, system}, r, 1);
    if (full != null) {
      releasePeer(peer, p);
      String detail = refusal(full, r, 1);
      observer.exceeded(full.scope, r, remote, detail);
      throw new LimitExceededException(detail);
    }
    ScopeNode conn = new ScopeNode(Scope.CONNECTION, limits.connection(), negotiatingPerConnection);
    return new ConnectionScope(this, peer, p, conn, r, remote);
  }

  /** Gives back a connection's charge; the peer's scope goes once its last connection did. */
  void closeConnection(PeerId peer, PeerNode p, Resource r) {
    ScopeNode.removeAll(new ScopeNode[] {p.node, system}, r, 1);
    releasePeer(peer, p);
  }

  private void releasePeer(PeerId peer, PeerNode p) {
    if (peer != null) {
      peers.computeIfPresent(peer, (k, v) -> v == p && --v.connections == 0 ? null : v);
    }
  }

  ProtocolNode acquireProtocol(String protocol) {
    return protocols.compute(protocol, (k, v) -> {
      ProtocolNode n = v != null ? v : new ProtocolNode(new ScopeNode(Scope.PROTOCOL, limits.protocol(), Long.MAX_VALUE));
      n.streams++;
      return n;
    });
  }

  void releaseProtocol(String protocol, ProtocolNode p) {
    protocols.computeIfPresent(protocol, (k, v) -> v == p && --v.streams == 0 ? null : v);
  }

  ScopeNode system() {
    return system;
  }

  ResourceLimits limits() {
    return limits;
  }

  Observer observer() {
    return observer;
  }

  static String refusal(ScopeNode full, Resource r, long asked) {
    return full.scope.name().toLowerCase(Locale.ROOT) + " limit on " + r.name().toLowerCase(Locale.ROOT) + " reached ("
        + full.used(r) + " of " + full.limit(r) + " in use, " + asked + " more asked)";
  }

  /** {@return how much of {@code resource} the whole host holds now} */
  public long used(Resource resource) {
    return system.used(resource);
  }

  /** {@return the most of {@code resource} the whole host held at once} */
  public long peak(Resource resource) {
    return system.peak(resource);
  }

  /** {@return how much of {@code resource} {@code peer}'s connections hold now (0 if none)} */
  public long usedByPeer(PeerId peer, Resource resource) {
    PeerNode p = peers.get(peer);
    return p == null ? 0 : p.node.used(resource);
  }

  /** {@return how much of {@code resource} {@code protocol}'s streams hold now (0 if none)} */
  public long usedByProtocol(String protocol, Resource resource) {
    ProtocolNode p = protocols.get(protocol);
    return p == null ? 0 : p.node.used(resource);
  }

  /** {@return how many peers have a scope now (a peer with a connection has one)} */
  public int peerScopes() {
    return peers.size();
  }

  /** {@return how many protocols have a scope now (a protocol with a stream has one)} */
  public int protocolScopes() {
    return protocols.size();
  }

  /** The limits, for the log. */
  @Override
  public String toString() {
    return "ResourceManager" + limits;
  }
}
