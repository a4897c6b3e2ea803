package io.peerlink.examples.nat;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.Manager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Dials a peer behind a NAT with {@code dialWithPriority}: its direct addresses first (if you know
 * any), then a hole punch (DCUtR) signalled over the relay, then the relay itself. Prints each stage
 * as it ends, the path that won, and a ping over the connection. See docs/nat-traversal.md.
 *
 * <pre>
 * java -cp peerlink.jar io.peerlink.examples.nat.DialBehindNat \
 *     /ip4/198.51.100.7/tcp/4001/p2p/12D3KooW…relay 12D3KooW…peer [direct multiaddr …]
 * </pre>
 *
 * <p>Copy it and keep the three things that make hole punching work: listen on a TCP port (the
 * punch dials from it), have a relay the target holds a reservation on, and let the hole punch
 * stage wait long enough ({@code punchTimeout}). The target runs a Manager with the same relay
 * ({@code setRelayAddr} and {@code relayService().connect()}, or AutoRelay); it punches as soon as
 * our relayed connection arrives. If the punch wins after we returned the relayed connection, the
 * event listener hears {@code holePunchEnd} and {@code connectionOpened}, and the next
 * {@code dialWithPriority} returns the direct connection. Set {@code PEERLINK_PUBLIC_CIDR} (for example {@code 203.0.113.0/24}) to
 * count a test network's range as public.
 */
public final class DialBehindNat {
  private DialBehindNat() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: DialBehindNat <relay multiaddr with /p2p/> <peer id> [direct multiaddr ...]");
      System.err.println("  dials <peer id>: direct addresses first, then a hole punch over the relay, then the relay");
      System.exit(2);
    }
    Multiaddr relay = Multiaddr.parse(args[0]);
    PeerId target = PeerId.parse(args[1]);
    List<Multiaddr> direct = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      direct.add(Multiaddr.parse(args[i]));
    }
    AddressFilter publicAddrs = AddressFilter.internet();
    String extra = System.getenv("PEERLINK_PUBLIC_CIDR");
    if (extra != null && !extra.isBlank()) {
      publicAddrs = publicAddrs.withPublic(extra.trim());
    }
    try (Manager manager = Manager.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/0.0.0.0/tcp/0")) // the port the punch dials from
        .publicAddressFilter(publicAddrs)
        .punchTimeout(Duration.ofSeconds(20))
        .build().start().join()) {
      // The relay carries the punch's signalling; identify on our connection to it also tells us
      // our public (NATed) address, which the punch needs.
      manager.setRelayAddr(relay);
      DialReport report = manager.dialWithReport(target, direct).join();
      report.stages().forEach(s -> System.out.println("stage: " + s));
      Peer peer = report.peer();
      System.out.println("connected to " + peer.peerId() + " via " + peer.remoteAddress()
          + ": path " + report.path().wireName());
      if (report.path() == ConnectionPath.RELAYED) {
        System.out.println("(relayed: limited by the relay; a later punch upgrades it in the background)");
      }
      System.out.println("ping " + peer.ping().join().toMillis() + " ms");
      peer.close().join();
    }
  }
}
