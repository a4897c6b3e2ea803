package io.peerlink.relay.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.testing.JsPeer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay daemon restarted with the same identity file and address: same peer ID, and a
 * js-libp2p peer that had reserved on it reserves again, at the same circuit address.
 */
class RelayRestartInteropTest {
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private static String first(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in %s", regex, text).isTrue();
    return m.group(1);
  }

  /**
   * js-libp2p 3.3.11 does not make a new reservation on a relay it was told to listen on
   * ({@code <relay>/p2p-circuit}) once the connection to it drops: the reservation store removes
   * the reservation and nothing redials (it only redials tagged relays when the node starts; seen
   * with {@code DEBUG=libp2p:circuit-relay*,libp2p:connection-manager*}). So the "reconnect" here
   * is the js peer restarting with the same identity, as its supervisor would: what the relay
   * must provide is a stable peer ID and address, so the circuit address published before the
   * restart works again after it.
   */
  @Test
  void afterARestartTheRelayHasTheSamePeerIdAndTheOldCircuitAddressWorksAgain() throws Exception {
    String key = dir.resolve("relay.pem").toString();
    String seed = "11".repeat(32);
    RunningDaemon r = RunningDaemon.start("--listen", "/ip4/127.0.0.1/tcp/0", "--identity", key, "--allow-private-addrs", "true",
        "--drain-timeout", "0s");
    String peerId = first("\"peerId\":\"([^\"]+)\"", r.listening());
    String relayAddr = first("\"addrs\":\\[\"([^\"]+)\"", r.listening());
    assertThat(relayAddr).endsWith("/p2p/" + peerId);
    String addr = relayAddr.substring(0, relayAddr.indexOf("/p2p/"));
    RunningDaemon again = null;
    try (JsPeer b = JsPeer.start("--relay-client", "--security", "noise")) {
      String circuit;
      try (JsPeer a = JsPeer.start("--security", "noise", "--identity-seed", seed, "--reserve", relayAddr)) {
        circuit = relayAddr + "/p2p-circuit/p2p/" + a.peerId();
        assertThat(JsPeer.strings(a.awaitEvent("reserved", T).get("addrs"))).contains(circuit);
        b.requestOk(T, "cmd", "ping", "connId", b.requestOk(T, "cmd", "dial", "addr", circuit).get("connId"));

        r.stopAndWait();
        a.awaitEvent("disconnect", e -> peerId.equals(e.get("peerId")), T);
        b.awaitEvent("disconnect", e -> peerId.equals(e.get("peerId")), T);
        // js withdraws the circuit address once the relay is gone.
        await().atMost(Duration.ofSeconds(20))
            .until(() -> a.requestOk(T, "cmd", "addrs").get("addrs").toString().indexOf("/p2p-circuit") < 0);
      }

      again = RunningDaemon.start("--listen", addr, "--identity", key, "--allow-private-addrs", "true", "--drain-timeout", "0s");
      assertThat(first("\"peerId\":\"([^\"]+)\"", again.listening())).isEqualTo(peerId);
      try (JsPeer a = JsPeer.start("--security", "noise", "--identity-seed", seed, "--reserve", relayAddr)) {
        assertThat(JsPeer.strings(a.awaitEvent("reserved", T).get("addrs"))).contains(circuit);
        // The address B learnt before the restart reaches A again, through the restarted relay.
        Map<String, Object> dial = b.requestOk(T, "cmd", "dial", "addr", circuit);
        assertThat(dial.get("peerId")).isEqualTo(a.peerId());
        b.requestOk(T, "cmd", "echo", "connId", dial.get("connId"), "bytes", 4096, "streams", 1);
      }
    } finally {
      if (again != null) {
        again.stopAndWait();
      } else if (!r.exit().isDone()) {
        r.stopAndWait();
      }
    }
  }
}
