package io.peerlink.relay.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.EventListener;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.event.CircuitEnd;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peerlink relay between real js-libp2p 3.x peers (interop/js/peer.mjs): A reserves a slot, B
 * dials A's circuit address and pings and echoes through the relay.
 */
class JsRelayInteropTest {
  private static final Duration T = Duration.ofSeconds(60);

  private RelayServer relay;
  private final List<CircuitEnd> ends = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopRelay() throws Exception {
    if (relay != null) {
      relay.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    }
  }

  private RelayServer relay(RelayLimiter limiter) throws Exception {
    relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(limiter)
        .publicAddressFilter(AddressFilter.everything())
        .peerConfig(PeerConfig.builder().securityProtocols(List.of(SecurityProtocol.NOISE)).build())
        .eventListener(new EventListener() {
          @Override
          public void circuitClosed(PeerId source, PeerId target, CircuitEnd end, Duration lifetime,
              long bytesToTarget, long bytesToSource) {
            ends.add(end);
          }
        })
        .build();
    relay.start().get(20, TimeUnit.SECONDS);
    return relay;
  }

  private String relayAddr() {
    return relay.listener().listenAddresses().get(0).withPeerId(relay.peerId()).toString();
  }

  /** Starts js peer A reserving on the relay; returns it once the reserved event names our relay. */
  private JsPeer reservingPeer() {
    JsPeer a = JsPeer.start("--security", "noise", "--reserve", relayAddr());
    Map<String, Object> reserved = a.awaitEvent("reserved", T);
    assertThat(JsPeer.strings(reserved.get("addrs")))
        .contains(relayAddr() + "/p2p-circuit/p2p/" + a.peerId());
    return a;
  }

  @Test
  void jsPeersPingAndEchoThroughThePeerlinkRelay() throws Exception {
    relay(RelayLimiter.unlimited());
    try (JsPeer a = reservingPeer(); JsPeer b = JsPeer.start("--relay-client", "--security", "noise")) {
      assertThat(relay.reservations()).extracting(r -> r.peer().toString()).containsExactly(a.peerId());

      Map<String, Object> dial = b.requestOk(T, "cmd", "dial",
          "addr", relayAddr() + "/p2p-circuit/p2p/" + a.peerId());
      assertThat(dial.get("peerId")).isEqualTo(a.peerId());
      assertThat((String) dial.get("remoteAddr")).contains("/p2p-circuit");
      Object connId = dial.get("connId");
      assertThat(relay.circuits()).hasSize(1);

      Map<String, Object> ping = b.requestOk(T, "cmd", "ping", "connId", connId, "count", 3);
      assertThat(JsPeer.strings(ping.get("rttMs"))).hasSize(3);
      Map<String, Object> echo = b.requestOk(T, "cmd", "echo", "connId", connId, "bytes", 1 << 20, "streams", 4);
      assertThat(echo.get("verified")).isEqualTo(true);
      assertThat(relay.circuits().get(0).bytesToTarget()).isGreaterThanOrEqualTo(4L << 20);
      assertThat(relay.circuits().get(0).bytesToSource()).isGreaterThanOrEqualTo(4L << 20);
    }
  }

  @Test
  void jsPeersEchoSixtyFourMebibytesEachWayThroughThePeerlinkRelay() throws Exception {
    // js-libp2p's yamux sends whole-window data frames (MiBs once windows have grown) on both of
    // the relay's connections; the relay must take them and splice every byte through.
    relay(RelayLimiter.unlimited());
    Duration bulk = Duration.ofSeconds(240);
    try (JsPeer a = reservingPeer(); JsPeer b = JsPeer.start("--relay-client", "--security", "noise")) {
      Map<String, Object> dial = b.requestOk(T, "cmd", "dial",
          "addr", relayAddr() + "/p2p-circuit/p2p/" + a.peerId());
      Object connId = dial.get("connId");
      Map<String, Object> echo;
      try {
        echo = b.requestOk(bulk, "cmd", "echo", "connId", connId,
            "bytes", 64 << 20, "streams", 1, "timeoutMs", bulk.toMillis());
      } catch (AssertionError e) {
        // Which way the bytes stopped (and how the circuit ended) tells the relay's fault from a peer's.
        throw new AssertionError(e.getMessage() + "\nrelay circuits: " + relay.circuits().stream()
            .map(c -> "to target (a) " + c.bytesToTarget() + " B, to source (b) " + c.bytesToSource() + " B")
            .toList() + ", ended: " + ends, e);
      }
      assertThat(echo.get("verified")).isEqualTo(true);
      assertThat(relay.circuits()).singleElement().satisfies(c -> {
        assertThat(c.bytesToTarget()).isGreaterThanOrEqualTo(64L << 20);
        assertThat(c.bytesToSource()).isGreaterThanOrEqualTo(64L << 20);
      });
    }
  }

  @Test
  void jsSeesTheCircuitEndAtTheDataLimit() throws Exception {
    int limit = 64 * 1024;
    relay(RelayLimiter.builder().maxCircuitData(limit).build());
    try (JsPeer a = reservingPeer(); JsPeer b = JsPeer.start("--relay-client", "--security", "noise")) {
      Map<String, Object> dial = b.requestOk(T, "cmd", "dial",
          "addr", relayAddr() + "/p2p-circuit/p2p/" + a.peerId());
      assertThat(dial.get("limited")).as("js marks a connection with a data limit as limited").isEqualTo(true);
      Object connId = dial.get("connId");
      // Below the limit the circuit carries traffic as usual.
      b.requestOk(T, "cmd", "ping", "connId", connId, "count", 1);
      b.requestOk(T, "cmd", "echo", "connId", connId, "bytes", 1024, "streams", 1);

      Map<String, Object> big = b.request(T, "cmd", "echo", "connId", connId, "bytes", 1 << 20, "streams", 1);
      assertThat(big.get("ok")).as("1 MiB echo over a 64 KiB circuit: %s", big).isEqualTo(false);
      // Both js ends see their relayed connection close.
      b.awaitEvent("disconnect", e -> connId.equals(e.get("connId")), T);
      a.awaitEvent("disconnect", e -> Boolean.TRUE.equals(e.get("limited")), T);
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
          .until(() -> !ends.isEmpty() && relay.circuits().isEmpty());
      assertThat(ends).containsExactly(CircuitEnd.DATA_LIMIT);
    }
  }
}
