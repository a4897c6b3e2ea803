package io.peerlink.benchmarks.e2e;

import io.netty.handler.ssl.SslHandler;
import io.peerlink.benchmarks.LoopbackPeers;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.Peer;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.internal.host.PeerConnection;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Manager;
import io.peerlink.testing.JsPeer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every process under test and the warm connections between them, set up once and kept for the
 * whole run:
 *
 * <ul>
 *   <li>peerlink: a server process (echo, perf, and the raw TLS baseline's server) and, in this
 *       JVM, one TLS, one Noise and one QUIC connection to it plus the raw TLS client;
 *   <li>js-libp2p: a server process and two client processes (TLS, Noise), each with a connection;
 *   <li>relays (security {@link BenchOptions#relaySecurity()}): a peerlink relay and a js relay;
 *       a peerlink target and a js target reserved on each; this JVM and a js client dial the
 *       targets through them.
 * </ul>
 */
final class Fleet implements AutoCloseable {
  private static final Duration T = Duration.ofSeconds(60);

  private final List<AutoCloseable> closers = new ArrayList<>();
  private final PrintStream log;

  Multiaddr plServerAddr;
  Multiaddr plServerQuicAddr;
  Connector tlsConnector;
  Connector noiseConnector;
  Peer plTls;
  Peer plNoise;
  Peer plQuic;
  String cipherSuite;
  RawTlsClient raw;

  String jsServerAddr;
  JsPeer jsTls;
  JsPeer jsNoise;

  long plRelayPid;
  long jsRelayPid;
  Peer plViaPlRelay;
  Peer plViaJsRelay;
  JsPeer jsRelayClient;
  String jsViaJsRelay;
  String jsViaPlRelay;

  private Fleet(PrintStream log) {
    this.log = log;
  }

  static Fleet start(BenchOptions o, PrintStream log) throws Exception {
    Fleet f = new Fleet(log);
    try {
      f.direct();
      if (o.relays()) {
        f.relays(o.relaySecurity());
      }
      return f;
    } catch (Exception | Error e) {
      f.close();
      throw e;
    }
  }

  private void direct() throws Exception {
    log.println("# starting the peerlink server process and js-libp2p processes");
    ChildJvm server = own(ChildJvm.start("serve"));
    plServerAddr = Multiaddr.parse(server.get("addr"));
    tlsConnector = own(LoopbackPeers.connector(LoopbackPeers.config(SecurityProtocol.TLS)));
    noiseConnector = own(LoopbackPeers.connector(LoopbackPeers.config(SecurityProtocol.NOISE)));
    plTls = tlsConnector.connect(plServerAddr).get(60, TimeUnit.SECONDS);
    plNoise = noiseConnector.connect(plServerAddr).get(60, TimeUnit.SECONDS);
    plServerQuicAddr = Multiaddr.parse(server.get("quicAddr"));
    plQuic = tlsConnector.connect(plServerQuicAddr).get(60, TimeUnit.SECONDS);
    expect(Map.of("muxer", plQuic.muxer()), "muxer", "quic-v1");
    cipherSuite = cipherSuite(plTls);
    raw = own(RawTlsClient.connect(Integer.parseInt(server.get("rawTlsPort")), cipherSuite));
    if (!raw.cipherSuite().equals(cipherSuite)) {
      throw new IllegalStateException("raw TLS agreed on " + raw.cipherSuite() + ", not " + cipherSuite);
    }

    JsPeer jsServer = own(JsPeer.start("--security", "both"));
    jsServerAddr = jsServer.addr();
    jsTls = own(JsPeer.start("--security", "tls", "--relay-client"));
    jsNoise = own(JsPeer.start("--security", "noise", "--relay-client"));
    expect(jsTls.requestOk(T, "cmd", "dial", "addr", jsServerAddr), "encryption", "/tls/1.0.0");
    expect(jsNoise.requestOk(T, "cmd", "dial", "addr", jsServerAddr), "encryption", "/noise");
  }

  private void relays(SecurityProtocol security) throws Exception {
    String s = security == SecurityProtocol.TLS ? "tls" : "noise";
    log.println("# starting the relays and the relayed peers (" + s + ")");
    ChildJvm plRelay = own(ChildJvm.start("relay", "--security", s));
    Multiaddr plRelayAddr = Multiaddr.parse(plRelay.get("addr"));
    plRelayPid = plRelay.pid();
    JsPeer jsRelay = own(JsPeer.start("--security", s, "--relay-server", "--relay-unlimited"));
    jsRelayPid = jsRelay.process().pid();

    ChildJvm plTargetOnPl = own(ChildJvm.start("target", "--security", s, "--relay", plRelayAddr.toString()));
    ChildJvm plTargetOnJs = own(ChildJvm.start("target", "--security", s, "--relay", jsRelay.addr()));
    // One js target per relay: js-libp2p 3 given two relays to reserve on at start never finishes starting.
    JsPeer jsTargetOnJs = own(JsPeer.start("--security", s, "--reserve", jsRelay.addr()));
    JsPeer jsTargetOnPl = own(JsPeer.start("--security", s, "--reserve", plRelayAddr.toString()));
    jsTargetOnJs.awaitEvent("reserved", T);
    jsTargetOnPl.awaitEvent("reserved", T);

    Manager dialer = own(LoopbackPeers.dialer(LoopbackPeers.config(security)));
    plViaPlRelay = relayed(dialer, LoopbackPeers.circuit(plRelayAddr, plTargetOnPl.get("peerId")));
    plViaJsRelay = relayed(dialer, LoopbackPeers.circuit(Multiaddr.parse(jsRelay.addr()), plTargetOnJs.get("peerId")));

    jsRelayClient = security == SecurityProtocol.TLS ? jsTls : jsNoise;
    jsViaJsRelay = jsRelayed(LoopbackPeers.circuit(Multiaddr.parse(jsRelay.addr()), jsTargetOnJs.peerId()));
    jsViaPlRelay = jsRelayed(LoopbackPeers.circuit(plRelayAddr, jsTargetOnPl.peerId()));
  }

  private static Peer relayed(Manager dialer, Multiaddr circuit) throws Exception {
    Peer p = dialer.connect(circuit).get(60, TimeUnit.SECONDS);
    if (p.path() != ConnectionPath.RELAYED) {
      throw new IllegalStateException("expected a relayed connection to " + circuit + ", got " + p.path());
    }
    return p;
  }

  private String jsRelayed(Multiaddr circuit) {
    Map<String, Object> conn = jsRelayClient.requestOk(T, "cmd", "dial", "addr", circuit.toString(), "force", true);
    if (!String.valueOf(conn.get("remoteAddr")).contains("/p2p-circuit")) {
      throw new IllegalStateException("expected a relayed js connection to " + circuit + ", got " + conn);
    }
    return (String) conn.get("connId");
  }

  /** The TLS 1.3 suite a peerlink TLS connection agreed on, read from its TLS handler. */
  private static String cipherSuite(Peer peer) {
    SslHandler ssl = ((PeerConnection) peer).channel().pipeline().get(SslHandler.class);
    if (ssl == null) {
      throw new IllegalStateException("no SslHandler on the TLS connection's pipeline: "
          + ((PeerConnection) peer).channel().pipeline().names());
    }
    return ssl.engine().getSession().getCipherSuite();
  }

  private static void expect(Map<String, Object> answer, String key, String value) {
    if (!value.equals(answer.get(key))) {
      throw new IllegalStateException("expected " + key + "=" + value + " in " + answer);
    }
  }

  private <T extends AutoCloseable> T own(T c) {
    closers.add(c);
    return c;
  }

  @Override
  public void close() {
    for (int i = closers.size() - 1; i >= 0; i--) {
      try {
        closers.get(i).close();
      } catch (Exception e) {
        log.println("# closing " + closers.get(i) + " failed: " + e);
      }
    }
    closers.clear();
  }
}
