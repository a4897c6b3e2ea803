package io.peerlink.examples.relay;

import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerException;
import io.peerlink.core.event.RelayState;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Manager;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A peer behind a NAT made reachable through a relay. Copy it and change the protocol.
 *
 * <pre>
 * java -cp peerlink.jar io.peerlink.examples.relay.ReachableThroughRelay /ip4/198.51.100.7/tcp/4001/p2p/12D3KooW… [key.pem]
 * </pre>
 *
 * <p>It prints the relayed address others dial (for example with {@link DialThroughRelay}) and
 * keeps the reservation: refreshed before it expires, re-made after the relay restarts.
 */
public final class ReachableThroughRelay {
  private ReachableThroughRelay() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ReachableThroughRelay <relay multiaddr with /p2p/> [identity.pem]");
      System.exit(2);
    }
    Identity identity = args.length > 1 ? Identity.loadOrCreate(Path.of(args[1])) : Identity.generate();
    Manager manager = Manager.builder(identity)
        .listenOn(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"))
        // Relays usually limit relayed connections; a protocol must opt in to run over them.
        .handlerOnLimitedConnections(Echo.PROTOCOL_ID, Echo.handler())
        .eventListener(new EventListener() {
          @Override
          public void connectionOpened(Peer peer) {
            System.out.println("connection from " + peer.peerId() + " (" + peer.path().wireName() + ")");
          }

          @Override
          public void relayStateChanged(RelayState from, RelayState to, Multiaddr relay, PeerException cause,
              Duration retryIn) {
            System.out.println("relay: " + from + " -> " + to
                + (cause != null ? " (" + cause.getMessage() + ", retry in " + retryIn + ")" : ""));
          }

          @Override
          public void reservationEnd(PeerId relay, List<Multiaddr> addrs, Instant expires, boolean renewal) {
            System.out.println("reachable at " + addrs);
          }
        })
        .build().start().join();

    manager.setRelayAddr(Multiaddr.parse(args[0]));
    manager.connectRelay().exceptionally(err -> null); // failures retry on their own

    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      manager.close();
      stop.countDown();
    }));
    stop.await();
  }
}
