package io.peerlink.examples.cli;

import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Manager;
import io.peerlink.relay.RelayService;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.ReservationListener;
import io.peerlink.relay.autorelay.AutoRelayConfig;
import io.peerlink.relay.autorelay.AutoRelayListener;
import io.peerlink.relay.spi.RelayHopOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code peerlink} command-line tool. Every line it prints on standard output is one JSON
 * object with an {@code "event"} field, so scripts and tests can drive it.
 *
 * <pre>
 * java -jar peerlink.jar peer --listen /ip4/127.0.0.1/tcp/0 [--identity key.pem] [--security tls|noise|both]
 * java -jar peerlink.jar peer --listen … --relay &lt;relay multiaddr&gt;     (reachable through the relay; prints "reserved")
 * java -jar peerlink.jar peer --listen … --autorelay --relay A --relay B --relay C  (keeps 2 reservations; prints
 *     "reserved" per reservation made and "relay-lost" per relay lost)
 * java -jar peerlink.jar peer --listen … --serve-relay [--relay-any-address]  (serves as a relay)
 * java -jar peerlink.jar dial --target &lt;multiaddr/p2p/id&gt; [--ping N] [--echo BYTES] [--security …]
 * java -jar peerlink.jar dial --target &lt;relay&gt;/p2p-circuit/p2p/&lt;id&gt;        (prints "path":"relayed")
 * java -jar peerlink.jar dial --target &lt;id&gt; --relay &lt;relay multiaddr&gt;     (direct first, then the relay)
 * java -jar peerlink.jar dial --listen /ip4/0.0.0.0/tcp/0 --target &lt;id&gt; --relay &lt;relay&gt; [--public-cidr CIDR]
 *     (direct, then a hole punch, then the relay; prints "path":"holepunched", "relayed" or "direct")
 * java -jar peerlink.jar perf --target &lt;multiaddr/p2p/id&gt; --upload BYTES --download BYTES [--security …]
 *     (the libp2p perf protocol; prints the perf dashboard's lines, "type" intermediary and final)
 * java -jar peerlink.jar demo
 * </pre>
 *
 * <p>{@code peer} serves {@code /perf/1.0.0} (see {@link PerfCommand}), so a perf client can target it.
 */
public final class PeerlinkCli {
  /** The echo protocol the tool serves. */
  static final String ECHO = EchoClient.PROTOCOL;

  private static final PrintStream OUT =
      new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);

  private PeerlinkCli() {}

  /** Entry point; exits 0 on success, 1 on a network failure, 2 on a usage error. */
  public static void main(String[] args) {
    quietTlsEngineLogs();
    int code;
    try {
      code = run(args);
    } catch (Args.UsageException e) {
      print(error("usage", e.getMessage() + "; " + usage()));
      code = 2;
    } catch (IllegalArgumentException e) {
      print(error("usage", e.getMessage()));
      code = 2;
    } catch (Throwable t) {
      PeerException pe = PeerException.wrap(t, PeerError.IO);
      print(error(pe.kind().wireName(), pe.getMessage()));
      code = 1;
    }
    System.exit(code);
  }

  /**
   * BouncyCastle's TLS engine warns once per JVM about JDK disabled-algorithm entries it does not
   * understand; harmless, but noise on a tool whose output is read by scripts. The library leaves
   * the application's logging alone; the tool may choose for itself.
   */
  private static void quietTlsEngineLogs() {
    TLS_ENGINE_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  /** Held so the level set above stays: JUL keeps loggers only weakly. */
  private static final java.util.logging.Logger TLS_ENGINE_LOG =
      java.util.logging.Logger.getLogger("org.bouncycastle.jsse");

  static int run(String[] args) throws Exception {
    if (args.length == 0) {
      throw new Args.UsageException("no command");
    }
    Args a = new Args(args, 1);
    return switch (args[0]) {
      case "peer" -> peer(a);
      case "dial" -> dial(a);
      case "perf" -> PerfCommand.run(OUT, Multiaddr.parse(a.require("target")),
          a.getLong("upload", 0), a.getLong("download", 0), config(a));
      case "demo" -> Demo.run(OUT);
      case "help", "--help", "-h" -> {
        OUT.println(usage());
        yield 0;
      }
      default -> throw new Args.UsageException("unknown command '" + args[0] + "'");
    };
  }

  private static String usage() {
    return "usage: peerlink peer --listen <multiaddr> [--identity key.pem] [--security tls|noise|both]"
        + " [--relay <relay multiaddr>] [--autorelay --relay A --relay B … [--min-relays N]]"
        + " [--serve-relay [--relay-any-address]] [--public-cidr CIDR]"
        + " | peerlink dial --target <multiaddr with /p2p/ (may be <relay>/p2p-circuit/p2p/<id>) | peer id>"
        + " [--listen <multiaddr>] [--relay <relay multiaddr>] [--public-cidr CIDR] [--no-holepunch]"
        + " [--punch-timeout-ms N] [--ping N] [--echo BYTES] [--security …]"
        + " | peerlink perf --target <multiaddr with /p2p/> --upload BYTES --download BYTES [--security …]"
        + " | peerlink demo";
  }

  private static int peer(Args a) throws Exception {
    List<String> listen = a.all("listen");
    if (listen.isEmpty()) {
      throw new Args.UsageException("missing --listen");
    }
    Manager.Builder b = Manager.builder(identity(a))
        .config(config(a))
        // Echo runs over limited relayed connections too, as the js harness's does.
        .handlerOnLimitedConnections(ECHO, stream -> stream.channel().pipeline().addLast(new EchoHandler()))
        // A diagnostics tool's peer: serve perf so `peerlink perf` (or any libp2p perf client) can
        // measure against it. The library itself never registers perf on its own.
        .handler(io.peerlink.core.perf.Perf.PROTOCOL, io.peerlink.core.perf.Perf.server())
        .onConnection(p -> print(connectionEvent(p)))
        .relayHopOptions(new RelayHopOptions(a.has("relay-any-address") ? addr -> true : null, Duration.ofSeconds(5)));
    natOptions(a, b);
    for (String l : listen) {
      b.listenOn(Multiaddr.parse(l));
    }
    boolean auto = a.has("autorelay");
    if (auto) {
      List<Multiaddr> relays = a.all("relay").stream().map(Multiaddr::parse).toList();
      b.autoRelay(AutoRelayConfig.builder().minRelays(a.getInt("min-relays", 2))
          .maxRelays(Math.max(a.getInt("min-relays", 2), AutoRelayConfig.defaults().maxRelays())).build(), relays);
    }
    Manager built = b.build();
    if (auto) {
      built.autoRelay().orElseThrow().addListener(autoRelayPrinter());
    }
    Manager manager = built.start().join();
    Map<String, Object> ev = Json.event("listening");
    ev.put("peerId", manager.peerId().toString());
    ev.put("addrs", manager.listener().listenAddresses().stream().map(Object::toString).toList());
    print(ev);
    manager.holePuncher().ifPresent(h -> h.addListener(PeerlinkCli::printPunch));
    if (a.has("serve-relay")) {
      manager.enableRelay();
      print(Json.event("relay-enabled"));
    }
    String relay = a.get("relay", null);
    if (relay != null && !auto) {
      RelayService service = manager.relayService();
      service.addListener(change -> {
        Map<String, Object> st = Json.event("relay-state");
        st.put("from", change.from().name().toLowerCase(java.util.Locale.ROOT));
        st.put("to", change.to().name().toLowerCase(java.util.Locale.ROOT));
        if (change.cause() != null) {
          st.put("error", String.valueOf(change.cause().getMessage()));
        }
        if (change.retryIn() != null) {
          st.put("retryMs", change.retryIn().toMillis());
        }
        print(st);
      });
      manager.relayClient().addListener(new ReservationListener() {
        @Override
        public void reserved(Reservation r) {
          Map<String, Object> rv = Json.event("reserved");
          rv.put("relay", r.relayAddr().toString());
          rv.put("addrs", r.addrs().stream().map(Object::toString).toList());
          rv.put("expires", r.expiration().getEpochSecond());
          print(rv);
        }
      });
      manager.setRelayAddr(Multiaddr.parse(relay));
      // Keeps trying with backoff when the relay is not reachable yet.
      service.connect().exceptionally(err -> null);
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      manager.close();
      stop.countDown();
    }, "peerlink-shutdown"));
    stop.await();
    return 0;
  }

  /** peer --autorelay: a "reserved" line per reservation made (first or replacement), "relay-lost" per one lost. */
  private static AutoRelayListener autoRelayPrinter() {
    return new AutoRelayListener() {
      @Override
      public void reserved(Reservation r) {
        Map<String, Object> rv = Json.event("reserved");
        rv.put("relay", r.relay().toString());
        rv.put("addrs", r.addrs().stream().map(Object::toString).toList());
        rv.put("expires", r.expiration().getEpochSecond());
        print(rv);
      }

      @Override
      public void relayLost(PeerId relay, String reason, Throwable cause) {
        Map<String, Object> ev = Json.event("relay-lost");
        ev.put("relay", relay.toString());
        ev.put("reason", reason);
        print(ev);
      }
    };
  }

  private static int dial(Args a) throws Exception {
    String targetArg = a.require("target");
    String relay = a.get("relay", null);
    int pings = a.getInt("ping", 0);
    int echoBytes = a.getInt("echo", -1);
    Manager.Builder mb = Manager.builder(identity(a)).config(config(a))
        .listenOn(Multiaddr.parse(a.get("listen", "/ip4/127.0.0.1/tcp/0")))
        .handlerOnLimitedConnections(ECHO, stream -> stream.channel().pipeline().addLast(new EchoHandler()))
        .onDialStage(st -> {
          Map<String, Object> ev = Json.event("dial-stage");
          ev.put("stage", st.stage());
          ev.put("outcome", st.outcome());
          ev.put("ms", millis(st.took().toNanos()));
          if (st.error() != null) {
            ev.put("error", st.error());
          }
          print(ev);
        });
    natOptions(a, mb);
    try (Manager manager = mb.build().start().get()) {
      manager.holePuncher().ifPresent(h -> h.addListener(PeerlinkCli::printPunch));
      long start = System.nanoTime();
      Peer peer;
      if (targetArg.startsWith("/")) {
        Multiaddr target = Multiaddr.parse(targetArg);
        if (relay != null) {
          manager.setRelayAddr(Multiaddr.parse(relay));
          PeerId id = target.peerId().orElseThrow(() -> new Args.UsageException("--target needs /p2p/<id>"));
          peer = manager.dialWithPriority(id, List.of(target)).get();
        } else {
          peer = manager.connect(target).get();
        }
      } else {
        PeerId id;
        try {
          id = PeerId.parse(targetArg);
        } catch (IllegalArgumentException e) {
          throw new Args.UsageException("--target is a multiaddr or a peer ID, not '" + targetArg + "'");
        }
        if (relay == null) {
          throw new Args.UsageException("dialing a bare peer ID needs --relay <relay multiaddr>");
        }
        manager.setRelayAddr(Multiaddr.parse(relay));
        peer = manager.dialWithPriority(id, List.of()).get();
      }
      if (peer.path() == io.peerlink.core.ConnectionPath.HOLE_PUNCHED) {
        // Direct traffic flows on the punched connection; the relayed one stays beside it.
        Map<String, Object> d = Json.event("direct");
        d.put("rttMs", millis(peer.ping().get().toNanos()));
        d.put("relayedKept", manager.listener().peers().stream().anyMatch(
            p -> p.peerId().equals(peer.peerId()) && p.isOpen() && p.path() == io.peerlink.core.ConnectionPath.RELAYED));
        print(d);
      }
      Map<String, Object> ev = Json.event("connected");
      ev.put("peerId", peer.peerId().toString());
      ev.put("path", peer.path().wireName());
      ev.put("ms", millis(System.nanoTime() - start));
      ev.put("remoteAddr", peer.remoteAddress().toString());
      ev.put("security", peer.securityProtocol());
      ev.put("muxer", peer.muxer());
      peer.limit().ifPresent(l -> ev.put("limit", Map.of("seconds", l.duration().toSeconds(), "bytes", l.dataBytes())));
      print(ev);
      for (int i = 0; i < pings; i++) {
        Duration rtt = peer.ping().get();
        Map<String, Object> p = Json.event("ping");
        p.put("rttMs", millis(rtt.toNanos()));
        print(p);
      }
      if (echoBytes >= 0) {
        byte[] payload = new byte[echoBytes];
        ThreadLocalRandom.current().nextBytes(payload);
        Duration took = EchoClient.roundTrip(peer, payload).get();
        Map<String, Object> e = Json.event("echo");
        e.put("bytes", echoBytes);
        e.put("ms", millis(took.toNanos()));
        print(e);
      }
      peer.close().get();
    }
    return 0;
  }

  /** {@code --public-cidr CIDR} (repeatable) counts a range as public; {@code --no-holepunch}; {@code --punch-timeout-ms}. */
  private static void natOptions(Args a, Manager.Builder b) {
    io.peerlink.relay.holepunch.PublicAddressFilter f = io.peerlink.relay.holepunch.PublicAddressFilter.internet();
    for (String c : a.all("public-cidr")) {
      f = f.withPublic(c);
    }
    b.publicAddressFilter(f);
    if (a.has("no-holepunch")) {
      b.holePunching(null);
    }
    b.punchTimeout(Duration.ofMillis(a.getInt("punch-timeout-ms", 30_000)));
  }

  private static void printPunch(io.peerlink.relay.holepunch.HolePunchEvent e) {
    Map<String, Object> ev = Json.event("holepunch");
    ev.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
    ev.put("peerId", e.peer().toString());
    ev.put("role", e.role());
    ev.put("attempt", e.attempt());
    if (e.error() != null) {
      ev.put("error", e.error());
    }
    print(ev);
  }

  static Map<String, Object> connectionEvent(Peer p) {
    Map<String, Object> ev = Json.event("connection");
    ev.put("peerId", p.peerId().toString());
    ev.put("direction", p.direction().name().toLowerCase(java.util.Locale.ROOT));
    ev.put("path", p.path().wireName());
    ev.put("remoteAddr", p.remoteAddress().toString());
    ev.put("security", p.securityProtocol());
    ev.put("muxer", p.muxer());
    return ev;
  }

  private static Identity identity(Args a) throws Exception {
    String path = a.get("identity", null);
    return path == null ? Identity.generate() : Identity.loadOrCreate(Path.of(path));
  }

  static PeerConfig config(Args a) {
    String sec = a.get("security", "both");
    List<SecurityProtocol> order = switch (sec) {
      case "tls" -> List.of(SecurityProtocol.TLS);
      case "noise" -> List.of(SecurityProtocol.NOISE);
      case "both" -> List.of(SecurityProtocol.TLS, SecurityProtocol.NOISE);
      default -> throw new Args.UsageException("--security takes tls, noise or both, not '" + sec + "'");
    };
    return PeerConfig.builder()
        .securityProtocols(order)
        .connectTimeout(Duration.ofMillis(a.getInt("timeout-ms", 10_000)))
        .handshakeTimeout(Duration.ofMillis(a.getInt("timeout-ms", 10_000)))
        .build();
  }

  static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  static Map<String, Object> error(String kind, String message) {
    Map<String, Object> ev = Json.event("error");
    ev.put("kind", kind);
    ev.put("message", message);
    return ev;
  }

  static synchronized void print(Map<String, Object> event) {
    OUT.println(Json.write(event));
  }
}
