package io.peerlink.core.internal.host;

import io.peerlink.core.MessageHandler;
import io.peerlink.core.internal.protocol.PingHandler;
import io.peerlink.core.internal.protocol.ProtocolIds;

/** The protocols every peerlink host serves: identify, identify push, ping and the message protocol. */
final class BuiltinProtocols {
  private BuiltinProtocols() {}

  static void register(HostCore core) {
    core.protocols().put(IdentifyProtocol.ID,
        stream -> IdentifyProtocol.respond(core, (PeerConnection) stream.peer(), stream));
    core.protocols().put(IdentifyProtocol.PUSH, stream -> {
      PeerConnection conn = (PeerConnection) stream.peer();
      IdentifyProtocol.receivePush(conn, stream, conn::mergeIdentifyPush);
    });
    core.protocols().put(MessageHandler.PROTOCOL,
        stream -> MessageChannel.serve(stream, core.config().maxMessageSize()));
    core.protocols().put(ProtocolIds.PING, stream -> stream.channel().pipeline().addLast(new PingHandler()));
    // As in go and js: these run over limited relayed connections.
    core.allowOnLimitedConnections(IdentifyProtocol.ID);
    core.allowOnLimitedConnections(IdentifyProtocol.PUSH);
    core.allowOnLimitedConnections(ProtocolIds.PING);
    // Peer.send/receive work on whichever path the peer is on; on a limited relayed connection the
    // relay's data and time limits bound them (the relay resets the circuit past its data limit).
    core.allowOnLimitedConnections(MessageHandler.PROTOCOL);
  }
}
