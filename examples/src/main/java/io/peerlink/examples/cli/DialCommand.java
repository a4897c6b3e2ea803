package io.peerlink.examples.cli;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.DialReport;
import io.peerlink.relay.Manager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code peerlink dial}: connects to a peer the best way there is (direct, hole punch, relay),
 * printing each stage, then pings and echoes and exits.
 */
@Command(name = "dial", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Connect to a peer, print each stage of the dial and the path that won (direct, holepunched or"
          + " relayed), then ping and echo, and exit: 0 on success, 1 on a network failure.",
      ""
    })
final class DialCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--target", paramLabel = "MULTIADDR|PEER_ID", required = true,
      description = "A multiaddr ending in /p2p/<id> (may be <relay>/p2p-circuit/p2p/<id>), or a bare peer ID"
          + " (with --relay, or --bootstrap to find it through the DHT).")
  String target;

  @Option(names = "--relay", paramLabel = "MULTIADDR", converter = MultiaddrConverter.class,
      description = "A relay to fall back on: direct first, then a hole punch, then the relay.")
  Multiaddr relay;

  @Option(names = "--listen", paramLabel = "MULTIADDR", converter = MultiaddrConverter.class,
      defaultValue = "/ip4/127.0.0.1/tcp/0",
      description = "Where this side listens (repeatable: TCP and QUIC); a hole punch needs a reachable port,"
          + " e.g. /ip4/0.0.0.0/tcp/0, and a QUIC punch a QUIC one, e.g. /ip4/0.0.0.0/udp/0/quic-v1"
          + " (default: ${DEFAULT-VALUE}).")
  List<Multiaddr> listen = new ArrayList<>();

  @Option(names = "--ping", paramLabel = "N", defaultValue = "0", description = "Pings to send once connected.")
  int pings;

  @Option(names = "--echo", paramLabel = "BYTES", defaultValue = "-1",
      description = "Echo this many random bytes once connected and check them.")
  int echoBytes;

  @Option(names = "--await-direct-ms", paramLabel = "MS", defaultValue = "0",
      description = "When the dial returns a relayed connection, wait up to this long for the hole punch"
          + " (or a slower direct dial) to bring a direct one, and print it as an 'upgraded' line.")
  long awaitDirectMs;

  @Option(names = "--hold-ms", paramLabel = "MS", defaultValue = "0",
      description = "Keep the peer's handle this long after connecting, running echo round trips through it"
          + " (see --stream-every-ms), printing 'stream' lines and the handle's 'path-changed' and 'reconnect'"
          + " lines (only in this mode) as paths come and go.")
  long holdMs;

  @Option(names = "--stream-every-ms", paramLabel = "MS", defaultValue = "200",
      description = "With --hold-ms: one echo round trip on a new stream this often (default: ${DEFAULT-VALUE}).")
  long streamEveryMs;

  @Option(names = "--stream-bytes", paramLabel = "BYTES", defaultValue = "512",
      description = "With --hold-ms: bytes per round trip; small by default, since a relay's circuit data"
          + " limit (128 KiB in go and here) counts them while the relay carries them (default: ${DEFAULT-VALUE}).")
  int streamBytes;

  @Mixin
  PeerOptions peer;

  /** The peer being dialed, set before the dial starts. */
  private volatile PeerId targetId;
  /** When the dial started and returned (System.nanoTime), so printing is not counted; 0 if unset. */
  private long dialStart;
  private long dialEnd;
  /** When the first direct connection to the target opened (System.nanoTime). */
  private volatile long directAt;
  /** The first direct connection to the target, from the events. */
  private final CompletableFuture<Peer> firstDirect = new CompletableFuture<>();

  @Mixin
  NatOptions nat;

  @Mixin
  DhtOptions dht;

  @Override
  public Integer call() throws Exception {
    Manager.Builder mb = Manager.builder(peer.identity()).config(peer.config());
    listen.forEach(mb::listenOn);
    mb
        .handlerOnLimitedConnections(Echo.PROTOCOL_ID, Echo.handler())
        // Path changes and reconnections only while a handle is held: the one-shot dial's output stays as it was.
        .eventListener(new CliEvents(false, CliEvents.Reservations.NONE, null, true, holdMs > 0))
        .eventListener(new EventListener() {
          @Override
          public void connectionOpened(Peer c) {
            if (c.path() != ConnectionPath.RELAYED && c.peerId().equals(targetId) && !firstDirect.isDone()) {
              directAt = System.nanoTime();
              firstDirect.complete(c);
            }
          }
        });
    nat.apply(mb);
    dht.apply(mb, DhtConfig.Mode.CLIENT);
    try (Manager manager = mb.build().start().get()) {
      if (dht.enabled()) {
        DhtRun.joined(manager);
      }
      long start = System.nanoTime();
      Peer p = connect(manager);
      if (p.path() == ConnectionPath.HOLE_PUNCHED) {
        // Direct traffic flows on the punched connection; the relayed one stays beside it.
        Map<String, Object> d = JsonEvents.event("direct");
        d.put("rttMs", JsonEvents.millis(p.ping().get().toNanos()));
        d.put("relayedKept", manager.listener().peers().stream().anyMatch(
            o -> o.peerId().equals(p.peerId()) && o.isOpen() && o.path() == ConnectionPath.RELAYED));
        JsonEvents.print(d);
      }
      Map<String, Object> ev = JsonEvents.event("connected");
      ev.put("peerId", p.peerId().toString());
      ev.put("path", p.path().wireName());
      ev.put("ms", JsonEvents.millis(dialEnd != 0 ? dialEnd - dialStart : System.nanoTime() - start));
      ev.put("remoteAddr", p.remoteAddress().toString());
      ev.put("transport", p.transport());
      ev.put("security", p.securityProtocol());
      ev.put("muxer", p.muxer());
      p.limit().ifPresent(l -> ev.put("limit", Map.of("seconds", l.duration().toSeconds(), "bytes", l.dataBytes())));
      JsonEvents.print(ev);
      if (awaitDirectMs > 0 && p.path() == ConnectionPath.RELAYED) {
        awaitDirect(p, start);
      }
      for (int i = 0; i < pings; i++) {
        Duration rtt = p.ping().get();
        Map<String, Object> ping = JsonEvents.event("ping");
        ping.put("rttMs", JsonEvents.millis(rtt.toNanos()));
        JsonEvents.print(ping);
      }
      if (echoBytes >= 0) {
        byte[] payload = new byte[echoBytes];
        ThreadLocalRandom.current().nextBytes(payload);
        Duration took = Echo.roundTrip(p, payload).get();
        Map<String, Object> e = JsonEvents.event("echo");
        e.put("bytes", echoBytes);
        e.put("ms", JsonEvents.millis(took.toNanos()));
        JsonEvents.print(e);
      }
      if (holdMs > 0) {
        // The handle, not the connection: new streams follow the best path while it is held.
        PeerHandle handle = manager.handle(p.peerId()).orElseThrow(
            () -> new PeerException(PeerError.IO, "the connection to " + p.peerId() + " closed before it was held"));
        new HandleTraffic(handle, streamBytes, Duration.ofMillis(streamEveryMs)).run(Duration.ofMillis(holdMs));
        handle.close().get();
      }
      p.close().get();
    }
    return 0;
  }

  /** Prints when (since the dial started) a direct connection joined the relayed one, or that none did. */
  private void awaitDirect(Peer relayed, long start) throws Exception {
    Map<String, Object> up = JsonEvents.event("upgraded");
    try {
      Peer direct = firstDirect.get(awaitDirectMs, TimeUnit.MILLISECONDS);
      up.put("path", direct.path().wireName());
      up.put("transport", direct.transport());
      up.put("ms", JsonEvents.millis(directAt - (dialStart != 0 ? dialStart : start)));
      up.put("relayedKept", relayed.isOpen());
    } catch (TimeoutException e) {
      up.put("path", "none");
      up.put("ms", JsonEvents.millis(System.nanoTime() - start));
    }
    JsonEvents.print(up);
  }

  private Peer connect(Manager manager) throws Exception {
    if (target.startsWith("/")) {
      Multiaddr addr = new MultiaddrConverter().convert(target);
      if (relay == null) {
        return manager.connect(addr).get();
      }
      manager.setRelayAddr(relay);
      PeerId id = addr.peerId().orElseThrow(
          () -> new ParameterException(spec.commandLine(), "--target needs /p2p/<id> when given with --relay"));
      targetId = id;
      return printStages(timed(manager, id, List.of(addr)));
    }
    PeerId id;
    try {
      id = PeerId.parse(target);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--target is a multiaddr or a peer ID, not '" + target + "'");
    }
    if (relay == null && !dht.enabled()) {
      throw new ParameterException(spec.commandLine(),
          "dialing a bare peer ID needs --relay <relay multiaddr> or --bootstrap <DHT peer>");
    }
    if (relay != null) {
      manager.setRelayAddr(relay);
    }
    targetId = id;
    // With the DHT on, the manager finds the peer's addresses (circuit ones included) first.
    return printStages(timed(manager, id, List.of()));
  }

  /** Dials, noting when the dial started and returned. */
  private DialReport timed(Manager manager, PeerId id, List<Multiaddr> addrs) throws Exception {
    dialStart = System.nanoTime();
    DialReport r = manager.dialWithReport(id, addrs).get();
    dialEnd = System.nanoTime();
    return r;
  }

  /** Prints a {@code dial-stage} line per stage of the dial, in order; returns the connection. */
  private static Peer printStages(DialReport report) {
    for (DialReport.Stage s : report.stages()) {
      Map<String, Object> ev = JsonEvents.event("dial-stage");
      ev.putAll(CliEvents.stageFields(s));
      JsonEvents.print(ev);
    }
    return report.peer();
  }
}
