package io.peerlink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proves the js-libp2p interop harness itself, with two js peers and no Java libp2p code: if
 * these fail, an interop test failing says nothing about peerlink.
 */
class JsPeerHarnessTest {

  private static final Duration T = Duration.ofSeconds(30);

  @ParameterizedTest(name = "{0}")
  @CsvSource({"tls, /tls/1.0.0", "noise, /noise"})
  void twoJsPeersDialPingEchoAndIdentify(String security, String expectedEncryption) {
    try (JsPeer listener = JsPeer.start("--security", security);
         JsPeer dialer = JsPeer.start("--security", security)) {
      assertThat(listener.peerId()).startsWith("12D3KooW");
      assertThat(listener.addr()).startsWith("/ip4/127.0.0.1/tcp/").endsWith("/p2p/" + listener.peerId());

      Map<String, Object> dial = dialer.requestOk(T, "cmd", "dial", "addr", listener.addr());
      assertThat(dial).containsEntry("peerId", listener.peerId())
          .containsEntry("encryption", expectedEncryption)
          .containsEntry("multiplexer", "/yamux/1.0.0")
          .containsEntry("direction", "outbound");

      Map<String, Object> inbound = listener.awaitEvent("connection", T);
      assertThat(inbound).containsEntry("peerId", dialer.peerId())
          .containsEntry("direction", "inbound")
          .containsEntry("encryption", expectedEncryption);

      Map<String, Object> ping = dialer.requestOk(T, "cmd", "ping", "peerId", listener.peerId(), "count", 3);
      assertThat((List<?>) ping.get("rttMs")).hasSize(3);

      Map<String, Object> echo = dialer.requestOk(T,
          "cmd", "echo", "peerId", listener.peerId(), "bytes", 64 * 1024, "streams", 4);
      assertThat(echo).containsEntry("verified", true);

      // identify runs by itself on every new connection...
      Map<String, Object> identified =
          dialer.awaitEvent("identify", e -> listener.peerId().equals(e.get("peerId")), T);
      assertThat(JsPeer.strings(identified.get("protocols")))
          .contains("/echo/1.0.0", "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0");
      assertThat((String) identified.get("agentVersion")).startsWith("js-libp2p/");
      // ...and on demand.
      Map<String, Object> identify = dialer.requestOk(T, "cmd", "identify", "peerId", listener.peerId());
      assertThat(JsPeer.strings(identify.get("protocols"))).contains("/echo/1.0.0");
      assertThat(JsPeer.strings(identify.get("listenAddrs"))).isNotEmpty();
    }
  }

  @Test
  void echoCarries64ConcurrentMebibyteStreams() {
    try (JsPeer a = JsPeer.start(); JsPeer b = JsPeer.start()) {
      Map<String, Object> echo = b.requestOk(Duration.ofSeconds(60),
          "cmd", "echo", "addr", a.addr(), "bytes", 1 << 20, "streams", 64);
      assertThat(echo).containsEntry("verified", true).containsEntry("streams", 64L);
    }
  }

  @Test
  void identitySeedGivesAStablePeerId() {
    String seed = "00".repeat(31) + "01";
    String first;
    try (JsPeer peer = JsPeer.start("--identity-seed", seed)) {
      first = peer.peerId();
    }
    try (JsPeer peer = JsPeer.start("--identity-seed", seed)) {
      assertThat(peer.peerId()).isEqualTo(first).startsWith("12D3KooW");
    }
  }

  @Test
  void failuresComeBackAsAnswersAndStopEndsTheProcess() throws Exception {
    JsPeer peer = JsPeer.start();
    try {
      Map<String, Object> unknown = peer.request(T, "cmd", "no-such-command");
      assertThat(unknown).containsEntry("ok", false).containsEntry("code", "UNKNOWN_COMMAND");

      // Nothing listens on port 1 of 127.0.0.1.
      Map<String, Object> dial = peer.request(T, "cmd", "dial",
          "addr", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
      assertThat(dial).containsEntry("ok", false);
      assertThat((String) dial.get("error")).isNotBlank();
    } finally {
      peer.close();
    }
    assertThat(peer.process().waitFor(1, TimeUnit.SECONDS)).isTrue();
    assertThat(peer.process().exitValue()).isZero();
  }
  @Test
  void relayReservationAndEchoThroughAnUnlimitedRelay() {
    try (JsPeer relay = JsPeer.start("--relay-server", "--relay-unlimited");
         JsPeer behind = JsPeer.start("--reserve", relay.addr());
         JsPeer dialer = JsPeer.start("--relay-client")) {
      Map<String, Object> reserved = behind.awaitEvent("reserved", T);
      String circuit = relay.addr() + "/p2p-circuit/p2p/" + behind.peerId();
      assertThat(JsPeer.strings(reserved.get("addrs"))).contains(circuit);

      Map<String, Object> dial = dialer.requestOk(T, "cmd", "dial", "addr", circuit);
      assertThat(dial).containsEntry("peerId", behind.peerId()).containsEntry("limited", false);
      assertThat((String) dial.get("remoteAddr")).contains("/p2p-circuit");

      // connId pins the streams to the relayed connection: by peer ID, js would open a direct one.
      Object connId = dial.get("connId");
      Map<String, Object> echo = dialer.requestOk(T,
          "cmd", "echo", "connId", connId, "bytes", 256 * 1024, "streams", 4);
      assertThat(echo).containsEntry("verified", true);
      assertThat((List<?>) dialer.requestOk(T, "cmd", "ping", "connId", connId, "count", 2).get("rttMs"))
          .hasSize(2);
    }
  }

  @Test
  void limitedRelayCutsARelayedConnectionAtItsDataLimit() {
    try (JsPeer relay = JsPeer.start("--relay-server", "--relay-max-data", "65536", "--relay-duration", "60");
         JsPeer behind = JsPeer.start("--reserve", relay.addr());
         JsPeer dialer = JsPeer.start("--relay-client")) {
      behind.awaitEvent("reserved", T);
      String circuit = relay.addr() + "/p2p-circuit/p2p/" + behind.peerId();
      Map<String, Object> dial = dialer.requestOk(T, "cmd", "dial", "addr", circuit);
      assertThat(dial).containsEntry("limited", true);
      Object connId = dial.get("connId");

      // Small echoes fit in the budget (echo is allowed on limited connections)...
      assertThat(dialer.requestOk(T, "cmd", "echo", "connId", connId, "bytes", 1024))
          .containsEntry("verified", true);
      // ...but 1 MiB does not: the relay resets the circuit.
      Map<String, Object> big = dialer.request(T,
          "cmd", "echo", "connId", connId, "bytes", 1 << 20, "streams", 1);
      assertThat(big).containsEntry("ok", false);
      dialer.awaitEvent("disconnect", e -> connId.equals(e.get("connId")), T);
    }
  }
}
