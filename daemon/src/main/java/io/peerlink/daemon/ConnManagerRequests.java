package io.peerlink.daemon;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.Host;
import io.peerlink.daemon.internal.proto.ControlProtos.ConnManagerRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;

/**
 * Answers CONNMANAGER requests with the host's protection tags. go's connection manager weighs
 * tags (a peer's tag weights add up, and trimming closes the lowest-scored connections first);
 * peerlink has no scores: a tagged peer is protected, whatever the weight, until its last tag is
 * removed. TRIM closes the least useful connections down to the connection manager's low watermark
 * ({@code PeerConfig.connectionManager()}) at once, as go's {@code TrimOpenConns} does, sparing
 * tagged peers and connections younger than the grace period.
 */
final class ConnManagerRequests {
  private final Host host;

  ConnManagerRequests(Host host) {
    this.host = host;
  }

  Response handle(ConnManagerRequest request) {
    switch (request.getType()) {
      case TAG_PEER, UNTAG_PEER -> {
        if (!request.hasPeer() || request.getTag().isEmpty()) {
          return ControlCodec.error("tag requires a peer and a non-empty tag");
        }
        PeerId peer = PeerId.fromBytes(request.getPeer().toByteArray());
        if (request.getType() == ConnManagerRequest.Type.TAG_PEER) {
          host.protect(peer, request.getTag());
        } else {
          host.unprotect(peer, request.getTag());
        }
        return ControlCodec.ok();
      }
      case TRIM -> {
        host.trimConnections();
        return ControlCodec.ok();
      }
      default -> {
        return ControlCodec.error("unknown connmanager request type " + request.getType());
      }
    }
  }
}
