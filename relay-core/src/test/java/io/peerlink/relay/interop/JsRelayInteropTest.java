package io.peerlink.relay.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The relay client against real js-libp2p 3.x peers and relays (interop/js/peer.mjs). js peers
 * speak Noise only here; peerlink offers TLS then Noise and settles on Noise.
 */
class JsRelayInteropTest {
  private static final Duration T = Duration.ofSeconds(60);

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  private static Listener listener() {
    return Listener.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
        .build().start().join();
  }

  @Test
  void peerlinkReservesOnAJsRelayAndAJsPeerDialsItThere() throws Exception {
    try (JsPeer relay = JsPeer.start("--relay-server", "--relay-unlimited", "--security", "noise");
         JsPeer js = JsPeer.start("--relay-client", "--security", "noise");
         Listener listener = listener();
         RelayClient client = RelayClient.create(listener)) {
      List<Peer> inbound = new CopyOnWriteArrayList<>();
      Host.of(listener).addConnectionListener(inbound::add);
      Reservation r = get(client.reserve(Multiaddr.parse(relay.addr())));
      assertThat(r.relay().toString()).isEqualTo(relay.peerId());
      assertThat(r.voucher()).as("js sends a voucher, and it verified").isNotNull();
      assertThat(r.limit()).isNull();
      assertThat(r.addrs()).isNotEmpty().allMatch(a -> a.toString().endsWith("/p2p-circuit/p2p/" + listener.peerId()));

      Multiaddr reserved = Multiaddr.parse(relay.addr() + "/p2p-circuit/p2p/" + listener.peerId());
      Map<String, Object> dialed = js.requestOk(T, "cmd", "dial", "addr", reserved.toString());
      assertThat(dialed.get("peerId")).isEqualTo(listener.peerId().toString());
      assertThat((String) dialed.get("remoteAddr")).contains("/p2p-circuit");
      Object connId = dialed.get("connId");
      Map<String, Object> ping = js.requestOk(T, "cmd", "ping", "connId", connId, "count", 3);
      assertThat((List<?>) ping.get("rttMs")).hasSize(3);
      Map<String, Object> echo = js.requestOk(T, "cmd", "echo", "connId", connId, "bytes", 200_000, "streams", 2);
      assertThat(echo.get("verified")).isEqualTo(true);

      Peer in = inbound.stream().filter(p -> p.path() == ConnectionPath.RELAYED).findFirst().orElseThrow();
      assertThat(in.peerId().toString()).isEqualTo(js.peerId());
      assertThat(in.direction()).isEqualTo(Direction.INBOUND);
      assertThat(in.remoteAddress().toString()).endsWith("/p2p/" + relay.peerId() + "/p2p-circuit");
      assertThat(get(in.ping())).isPositive();
      // js identifies us over the relayed connection and learns the relayed address.
      Map<String, Object> id = js.requestOk(T, "cmd", "identify", "connId", connId);
      assertThat(JsPeer.strings(id.get("listenAddrs"))).anyMatch(a -> a.contains("/p2p-circuit"));
    }
  }

  @Test
  void peerlinkDialsAJsPeerThroughAJsRelay() throws Exception {
    try (JsPeer relay = JsPeer.start("--relay-server", "--relay-unlimited", "--security", "noise")) {
      try (JsPeer js = JsPeer.start("--reserve", relay.addr(), "--security", "noise");
           Listener listener = listener();
           RelayClient client = RelayClient.create(listener)) {
        String circuit = JsPeer.strings(js.awaitEvent("reserved", T).get("addrs")).get(0);
        Peer peer = get(Host.of(listener).dial(Multiaddr.parse(circuit)));
        assertThat(peer.peerId().toString()).isEqualTo(js.peerId());
        assertThat(peer.path()).isEqualTo(ConnectionPath.RELAYED);
        assertThat(peer.securityProtocol()).isEqualTo("/noise");
        assertThat(get(peer.ping())).isPositive();
        byte[] payload = new byte[300_000];
        new Random(3).nextBytes(payload);
        assertThat(get(EchoClient.roundTrip(peer, payload))).isPositive();
        assertThat(get(peer.identify()).agentVersion()).contains("js-libp2p");
        Map<String, Object> peers = js.requestOk(T, "cmd", "peers");
        assertThat(peers.toString()).contains("/p2p-circuit");
      }
    }
  }

  @Test
  void peerlinkPeersEchoSixtyFourMebibytesEachWayThroughAJsRelay() throws Exception {
    // The js relay forwards js-sized (whole-window) frames of the inner yamux session untouched,
    // and its own yamux sessions send whole-window frames on both hops.
    try (JsPeer relay = JsPeer.start("--relay-server", "--relay-unlimited", "--security", "noise");
         Listener target = listener();
         RelayClient targetClient = RelayClient.create(target);
         Listener dialer = listener();
         RelayClient dialerClient = RelayClient.create(dialer)) {
      get(targetClient.reserve(Multiaddr.parse(relay.addr())));
      Multiaddr circuit = Multiaddr.parse(relay.addr() + "/p2p-circuit/p2p/" + target.peerId());
      Peer peer = get(Host.of(dialer).dial(circuit));
      assertThat(peer.path()).isEqualTo(ConnectionPath.RELAYED);
      byte[] payload = new byte[64 << 20];
      new Random(64).nextBytes(payload);
      assertThat(EchoClient.roundTrip(peer, payload).get(240, TimeUnit.SECONDS)).isPositive();
    }
  }

  @Test
  void limitedJsRelayCarriesItsLimitAndPingRunsOverIt() throws Exception {
    try (JsPeer relay = JsPeer.start("--relay-server", "--security", "noise");
         JsPeer js = JsPeer.start("--relay-client", "--security", "noise");
         Listener listener = listener();
         RelayClient client = RelayClient.create(listener)) {
      Reservation r = get(client.reserve(Multiaddr.parse(relay.addr())));
      assertThat(r.limit()).isNotNull();
      assertThat(r.limit().dataBytes()).isEqualTo(131072);
      Map<String, Object> dialed = js.requestOk(T, "cmd", "dial", "addr", r.addrs().get(0).toString());
      assertThat(dialed.get("limited")).isEqualTo(true);
      js.requestOk(T, "cmd", "ping", "connId", dialed.get("connId"), "count", 2);
    }
  }
}
