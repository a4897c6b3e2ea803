package io.peerlink.examples.relay;

import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.Echo;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Manager;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Dials a peer that is only reachable through a relay, pings it and echoes a message.
 *
 * <pre>
 * java -cp peerlink.jar io.peerlink.examples.relay.DialThroughRelay /ip4/198.51.100.7/tcp/4001/p2p/12D3KooW…relay 12D3KooW…peer
 * </pre>
 *
 * <p>{@code dialWithPriority} tries the direct addresses it is given first (none here) and then
 * the relay; with a full {@code <relay>/p2p-circuit/p2p/<peer>} address, {@code connect} works too.
 */
public final class DialThroughRelay {
  private DialThroughRelay() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: DialThroughRelay <relay multiaddr with /p2p/> <peer id>");
      System.exit(2);
    }
    try (Manager manager = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"))
        .handlerOnLimitedConnections(Echo.PROTOCOL_ID, s -> { })
        .build().start().join()) {
      manager.setRelayAddr(Multiaddr.parse(args[0]));
      Peer peer = manager.dialWithPriority(PeerId.parse(args[1]), List.of()).join();
      System.out.println("connected to " + peer.peerId() + " via " + peer.remoteAddress()
          + " (" + peer.path().wireName() + ", limit " + peer.limit().map(Object::toString).orElse("none") + ")");
      System.out.println("ping " + peer.ping().join().toMillis() + " ms");
      byte[] hello = "hello through the relay".getBytes(StandardCharsets.UTF_8);
      System.out.println("echo took " + Echo.roundTrip(peer, hello).join().toMillis() + " ms");
      peer.close().join();
    }
  }
}
