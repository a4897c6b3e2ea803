package io.peerlink.examples.readme;

import io.peerlink.core.Connector;
import io.peerlink.core.Echo;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.bridge.SLF4JBridgeHandler;

public class FirstProgram {
  public static void main(String[] args) throws Exception {
    // peerlink logs through slf4j; BouncyCastle's TLS engine through java.util.logging: route it too.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();

    // A peer that serves the echo protocol on a free port of this machine.
    try (Listener listener = Listener.builder(Identity.generate())
            .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
            .handler(Echo.PROTOCOL_ID, Echo.handler())
            .build()
            .start().join();
        // Another peer, which dials it.
        Connector connector = Connector.builder(Identity.generate()).build()) {
      // /ip4/127.0.0.1/tcp/<port>/p2p/12D3KooW...: the remote must prove that peer ID.
      Multiaddr addr = listener.listenAddresses().get(0);
      Peer peer = connector.connect(addr).join();
      System.out.println("connected over " + peer.securityProtocol() + " and " + peer.muxer());
      System.out.println("ping " + peer.ping().join().toMillis() + " ms");
      System.out.println("the remote runs " + peer.identify().join().agentVersion());
      byte[] hello = "hello, peer".getBytes(StandardCharsets.UTF_8);
      Duration took = Echo.roundTrip(peer, hello).join();
      System.out.println("echoed " + hello.length + " bytes in " + took.toMillis() + " ms");
      peer.close().join();
    }
  }
}
