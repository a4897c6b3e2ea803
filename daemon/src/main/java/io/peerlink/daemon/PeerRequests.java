package io.peerlink.daemon;

import com.google.protobuf.ByteString;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.daemon.internal.proto.ControlProtos.ConnectRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.DisconnectRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.IdentifyResponse;
import io.peerlink.daemon.internal.proto.ControlProtos.PeerInfo;
import io.peerlink.daemon.internal.proto.ControlProtos.PeerstoreRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.PeerstoreResponse;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;
import io.peerlink.relay.Manager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Answers the requests about peers and connections: IDENTIFY, CONNECT, DISCONNECT, LIST_PEERS and
 * PEERSTORE. The daemon keeps no peer store of its own: what it knows about a peer comes from the
 * open connections to it (their remote addresses and identify answers).
 */
final class PeerRequests {
  private final Manager manager;
  private final Supplier<List<Multiaddr>> advertised;
  private final ControlLimits limits;

  /**
   * Answers for {@code manager}.
   *
   * @param manager the node
   * @param advertised the addresses IDENTIFY reports (none with -noListenAddrs)
   * @param limits the timeouts
   */
  PeerRequests(Manager manager, Supplier<List<Multiaddr>> advertised, ControlLimits limits) {
    this.manager = manager;
    this.advertised = advertised;
    this.limits = limits;
  }

  Response identify() {
    IdentifyResponse.Builder id = IdentifyResponse.newBuilder()
        .setId(ByteString.copyFrom(manager.peerId().bytes()));
    for (Multiaddr a : advertised.get()) {
      id.addAddrs(ByteString.copyFrom(a.withoutPeerId().bytes()));
    }
    return Response.newBuilder().setType(Response.Type.OK).setIdentify(id).build();
  }

  /**
   * Connects to the peer unless a connection is open: its addresses are tried one after another
   * ({@code /p2p-circuit} ones included) until one works.
   */
  CompletableFuture<Response> connect(ConnectRequest request) {
    PeerId peer = PeerId.fromBytes(request.getPeer().toByteArray());
    if (!connections(peer).isEmpty()) {
      return CompletableFuture.completedFuture(ControlCodec.ok());
    }
    List<Multiaddr> addrs = new ArrayList<>();
    for (ByteString b : request.getAddrsList()) {
      Multiaddr a = Multiaddr.fromBytes(b.toByteArray());
      Optional<PeerId> named = a.peerId();
      if (named.isPresent() && !named.get().equals(peer)) {
        return CompletableFuture.completedFuture(
            ControlCodec.error("address " + a + " names another peer than " + peer));
      }
      addrs.add(named.isPresent() ? a : a.withPeerId(peer));
    }
    if (addrs.isEmpty()) {
      return CompletableFuture.completedFuture(ControlCodec.error("no addresses for " + peer));
    }
    Duration timeout = limits.timeout(request.getTimeout());
    return tryEach(addrs, 0, new ArrayList<>())
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((ok, err) -> err == null ? ok
            : ControlCodec.error("failed to connect to " + peer + ": " + Failures.message(err)));
  }

  private CompletableFuture<Response> tryEach(List<Multiaddr> addrs, int i, List<String> failures) {
    if (i == addrs.size()) {
      return CompletableFuture.completedFuture(
          ControlCodec.error("failed to connect: " + String.join("; ", failures)));
    }
    return manager.connect(addrs.get(i)).handle((p, err) -> {
      if (err == null) {
        return CompletableFuture.completedFuture(ControlCodec.ok());
      }
      failures.add(addrs.get(i) + ": " + Failures.message(err));
      return tryEach(addrs, i + 1, failures);
    }).thenCompose(f -> f);
  }

  /** Closes every connection to the peer; OK also when there was none. */
  CompletableFuture<Response> disconnect(DisconnectRequest request) {
    PeerId peer = PeerId.fromBytes(request.getPeer().toByteArray());
    CompletableFuture<?>[] closing = connections(peer).stream().map(Peer::close).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(closing).handle((v, err) -> ControlCodec.ok());
  }

  /** One PeerInfo per open connection, with that connection's remote address only, as p2pd does. */
  Response listPeers() {
    Response.Builder r = Response.newBuilder().setType(Response.Type.OK);
    for (Peer p : openPeers()) {
      r.addPeers(PeerInfo.newBuilder()
          .setId(ByteString.copyFrom(p.peerId().bytes()))
          .addAddrs(ByteString.copyFrom(p.remoteAddress().withoutPeerId().bytes())));
    }
    return r.build();
  }

  /**
   * GET_PROTOCOLS from the identify answers of open connections; GET_PEER_INFO from the host's
   * address book (what identify, identify push and dials taught it, kept for a while after the
   * peer disconnects, as go's peerstore), then the open connections' remote addresses.
   */
  Response peerstore(PeerstoreRequest request) {
    PeerId peer = PeerId.fromBytes(request.getId().toByteArray());
    List<Peer> conns = connections(peer);
    List<IdentifyInfo> infos = new ArrayList<>();
    for (Peer p : conns) {
      CompletableFuture<IdentifyInfo> f = p.identify();
      if (f.isDone() && !f.isCompletedExceptionally()) {
        infos.add(f.join());
      }
    }
    switch (request.getType()) {
      case GET_PROTOCOLS -> {
        if (infos.isEmpty()) {
          return ControlCodec.error("no protocols known for " + peer + ": not connected, or not identified yet");
        }
        LinkedHashSet<String> protocols = new LinkedHashSet<>();
        infos.forEach(i -> protocols.addAll(i.protocols()));
        return Response.newBuilder().setType(Response.Type.OK)
            .setPeerStore(PeerstoreResponse.newBuilder().addAllProtos(protocols)).build();
      }
      case GET_PEER_INFO -> {
        LinkedHashSet<Multiaddr> addrs = new LinkedHashSet<>();
        Host.of(manager.listener()).addressBook().addresses(peer).forEach(a -> addrs.add(a.withoutPeerId()));
        conns.forEach(p -> addrs.add(p.remoteAddress().withoutPeerId()));
        if (addrs.isEmpty()) {
          return ControlCodec.error("peer " + peer + " not found: no address of it is known");
        }
        PeerInfo.Builder info = PeerInfo.newBuilder().setId(ByteString.copyFrom(peer.bytes()));
        addrs.forEach(a -> info.addAddrs(ByteString.copyFrom(a.withoutPeerId().bytes())));
        return Response.newBuilder().setType(Response.Type.OK)
            .setPeerStore(PeerstoreResponse.newBuilder().setPeer(info)).build();
      }
      default -> {
        return ControlCodec.error("unknown peerstore request type " + request.getType());
      }
    }
  }

  /** {@return the open connections, oldest first} */
  List<Peer> openPeers() {
    return manager.peers().stream().filter(Peer::isOpen).toList();
  }

  /** {@return the open connections to {@code peer}, direct ones first} */
  List<Peer> connections(PeerId peer) {
    return openPeers().stream()
        .filter(p -> p.peerId().equals(peer))
        .sorted(Comparator.comparing(p -> p.remoteAddress().isRelayed()))
        .toList();
  }
}
