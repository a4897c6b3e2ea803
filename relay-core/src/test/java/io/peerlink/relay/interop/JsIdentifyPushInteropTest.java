package io.peerlink.relay.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * identify push against real js-libp2p 3.x peers (interop/js/peer.mjs): a js peer already
 * connected to us learns the circuit address our reservation adds, and we learn the address a js
 * peer starts listening on, both without a new connection.
 */
@Timeout(120)
class JsIdentifyPushInteropTest {
  private static final Duration T = Duration.ofSeconds(60);

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  private static Listener listener() {
    return Listener.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .build().start().join();
  }

  @Test
  void aConnectedJsPeerLearnsOurCircuitAddressAfterWeReserveWithoutRedialing() throws Exception {
    try (JsPeer relay = JsPeer.start("--relay-server", "--relay-unlimited", "--security", "noise");
         JsPeer js = JsPeer.start("--security", "noise", "--identify-push");
         Listener listener = listener();
         RelayClient client = RelayClient.create(listener)) {
      String us = listener.peerId().toString();
      Map<String, Object> dialed = js.requestOk(T, "cmd", "dial", "addr", listener.listenAddresses().get(0).toString());
      Object connId = dialed.get("connId");
      js.requestOk(T, "cmd", "identify", "connId", connId);
      assertThat(JsPeer.strings(js.requestOk(T, "cmd", "peerStoreAddrs", "peerId", us).get("addrs")))
          .noneMatch(a -> a.contains("/p2p-circuit"));

      Reservation r = get(client.reserve(Multiaddr.parse(relay.addr())));
      String circuit = r.addrs().get(0).withoutPeerId().toString();
      Awaitility.await("the js peer learns our circuit address from a push").atMost(T)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> JsPeer.strings(js.requestOk(T, "cmd", "peerStoreAddrs", "peerId", us).get("addrs"))
              .stream().anyMatch(a -> a.startsWith(circuit)));

      List<?> peers = (List<?>) js.requestOk(T, "cmd", "peers").get("peers");
      assertThat(peers).as("still the one connection it dialed").hasSize(1);
      assertThat(((Map<?, ?>) peers.get(0)).get("connId")).isEqualTo(connId);
    }
  }

  @Test
  void weLearnTheAddressAConnectedJsPeerStartsListeningOn() throws Exception {
    try (JsPeer js = JsPeer.start("--security", "noise", "--identify-push");
         Listener listener = listener()) {
      Peer peer = get(Host.of(listener).dial(Multiaddr.parse(js.addr())));
      IdentifyInfo first = get(peer.identify());
      assertThat(first.listenAddrs()).hasSize(1);

      List<String> now = JsPeer.strings(js.requestOk(T, "cmd", "listen", "addrs", List.of("/ip4/127.0.0.1/tcp/0"))
          .get("addrs"));
      assertThat(now).hasSize(2);
      Multiaddr added = now.stream().map(Multiaddr::parse).map(Multiaddr::withoutPeerId)
          .filter(a -> !first.listenAddrs().contains(a)).findFirst().orElseThrow();

      Awaitility.await("we learn the js peer's new address from its push").atMost(T)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> get(peer.identify()).listenAddrs().contains(added));
      assertThat(Host.of(listener).addressBook().addresses(peer.peerId())).contains(added);
      assertThat(peer.isOpen()).isTrue();
      assertThat(Host.of(listener).connections()).containsExactly(peer);
    }
  }
}
