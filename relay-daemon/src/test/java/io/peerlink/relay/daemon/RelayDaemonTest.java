package io.peerlink.relay.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peerlink.core.Listener;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.testing.JsPeer;
import io.peerlink.testing.JsPeerJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayDaemonTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final List<AutoCloseable> closers = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int metricsPort(RunningDaemon d) {
    return ((Number) d.listeningEvent().get("metricsPort")).intValue();
  }

  private static int relayPort(RunningDaemon d) {
    String addr = JsPeer.strings(d.listeningEvent().get("addrs")).get(0);
    return Multiaddr.parse(addr).toSocketAddress().orElseThrow().getPort();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> body, String name) {
    return (Map<String, Object>) body.get(name);
  }

  @Test
  void printsListeningServesMetricsStopsAndKeepsItsIdentityAcrossRestarts() throws Exception {
    String key = dir.resolve("relay.pem").toString();
    RunningDaemon r = RunningDaemon.start("--listen", "/ip4/127.0.0.1/tcp/0", "--identity", key,
        "--metrics", "127.0.0.1:0", "--max-circuit-data", "1000", "--drain-timeout", "1s");
    String line = r.listening();
    assertThat(line).startsWith("{\"event\":\"listening\",\"peerId\":\"12D3KooW").contains("\"addrs\":[\"/ip4/127.0.0.1/tcp/");
    String id = (String) r.listeningEvent().get("peerId");
    HttpResponse<String> metrics = get(metricsPort(r), "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("peerlink_relay_reservations 0", "peerlink_relay_circuits 0");
    r.stopAndWait();
    assertThat(r.stdout()).contains("{\"event\":\"stopped\"}");

    RunningDaemon again = RunningDaemon.start("--listen", "/ip4/127.0.0.1/tcp/0", "--identity", key);
    assertThat(again.listeningEvent().get("peerId")).isEqualTo(id);
    again.stopAndWait();
  }

  @Test
  void healthAndReadinessReflectTheListenerAndTheReservationLimit() throws Exception {
    RunningDaemon r = RunningDaemon.start("--listen", "/ip4/127.0.0.1/tcp/0", "--identity",
        dir.resolve("relay.pem").toString(), "--metrics", "127.0.0.1:0", "--max-reservations", "1",
        "--allow-private-addrs");
    int port = metricsPort(r);
    HttpResponse<String> health = get(port, "/healthz");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Content-Type")).contains("application/json");
    Map<String, Object> body = JsPeerJson.parseObject(health.body());
    assertThat(body).containsEntry("healthy", true).containsEntry("ready", true).containsEntry("state", "running");
    assertThat(JsPeer.strings(body.get("listen"))).singleElement().asString().startsWith("/ip4/127.0.0.1/tcp/");
    assertThat(section(body, "reservations")).containsEntry("active", 0L).containsEntry("max", 1L);
    assertThat(section(body, "inbound")).containsEntry("max", 1024L).containsEntry("maxPerIp", 8L);
    assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);

    // One reservation fills the relay: still healthy, no longer ready, and the body says why.
    Listener client = Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .build().start().get(20, TimeUnit.SECONDS);
    closers.add(client);
    Multiaddr relayAddr = Multiaddr.parse(JsPeer.strings(r.listeningEvent().get("addrs")).get(0));
    RelayClient.create(client).reserve(relayAddr).get(20, TimeUnit.SECONDS);
    HttpResponse<String> ready = get(port, "/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(JsPeer.strings(JsPeerJson.parseObject(ready.body()).get("reasons")))
        .containsExactly("reservations at their limit (1/1)");
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(port, "/nothing-here").statusCode()).isEqualTo(404);
    r.stopAndWait();
  }

  /**
   * A daemon listening on TCP and QUIC v1 (the same {@code --listen} flag, repeated) takes a
   * reservation over QUIC, and its reservation addresses include its QUIC address, so peers that
   * dial the circuit can reach the relay over QUIC too.
   */
  @Test
  void aClientReservesOverQuic() throws Exception {
    RunningDaemon r = RunningDaemon.start("--listen", "/ip4/127.0.0.1/tcp/0", "--listen", "/ip4/127.0.0.1/udp/0/quic-v1",
        "--identity", dir.resolve("relay.pem").toString(), "--allow-private-addrs");
    List<String> addrs = JsPeer.strings(r.listeningEvent().get("addrs"));
    assertThat(addrs).hasSize(2);
    Multiaddr quic = addrs.stream().map(Multiaddr::parse).filter(Multiaddr::isQuic).findFirst().orElseThrow();
    assertThat(JsPeer.strings(r.listeningEvent().get("reservationAddrs"))).anyMatch(a -> a.contains("/quic-v1"));

    Listener client = Listener.builder(Identity.generate()).listenOn(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"))
        .build().start().get(20, TimeUnit.SECONDS);
    closers.add(client);
    Reservation reservation = RelayClient.create(client).reserve(quic).get(20, TimeUnit.SECONDS);
    assertThat(reservation.relayAddr()).isEqualTo(quic);
    assertThat(Host.of(client).connections()).singleElement()
        .satisfies(p -> assertThat(p.muxer()).isEqualTo("quic-v1"));
    assertThat(reservation.addrs()).anyMatch(a -> a.toString().contains("/quic-v1/p2p/" + r.listeningEvent().get("peerId")
        + "/p2p-circuit/p2p/" + client.peerId()));
    r.stopAndWait();
  }

  /**
   * Many peers behind one NAT share an IP address: with the default (8 per IP) the ninth
   * connection from 127.0.0.1 is refused; raised with {@code --max-inbound-per-ip}, it is let in.
   * Raw TCP connections stand in for peers: the listener counts them from the moment it accepts.
   */
  @Test
  void listenerLimitsFromFlagsApplyToTheRelaysListener() throws Exception {
    for (int perIp : new int[] {8, 16}) {
      List<String> args = new ArrayList<>(List.of("--listen", "/ip4/127.0.0.1/tcp/0", "--identity",
          dir.resolve("relay.pem").toString(), "--metrics", "127.0.0.1:0", "--handshake-timeout", "60s"));
      if (perIp != 8) {
        args.addAll(List.of("--max-inbound-per-ip", Integer.toString(perIp)));
      }
      RunningDaemon r = RunningDaemon.start(args.toArray(String[]::new));
      int relay = relayPort(r);
      int admin = metricsPort(r);
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 12; i++) {
          sockets.add(new Socket(InetAddress.getLoopbackAddress(), relay));
        }
        long expectedOpen = Math.min(12, perIp);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          Map<String, Object> inbound = section(JsPeerJson.parseObject(get(admin, "/healthz").body()), "inbound");
          assertThat(inbound).containsEntry("maxPerIp", (long) perIp)
              .containsEntry("open", expectedOpen)
              .containsEntry("rejected", 12 - expectedOpen);
        });
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
        r.stopAndWait();
      }
    }
  }

  @Test
  void anUnknownFlagExitsTwoNamingIt() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RelayDaemon.run(new String[] {"--listen", "/ip4/127.0.0.1/tcp/0", "--max-circuts", "3"}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(1));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--max-circuts").contains("relay-daemon --help");
  }

  @Test
  void aBadValueExitsTwoNamingTheFlag() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RelayDaemon.run(new String[] {"--max-circuits", "lots"}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(1));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--max-circuits", "lots", "Usage: relay-daemon");
  }

  @Test
  void aMissingConfigFileSaysSoAndExitsTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path missing = dir.resolve("relay.properties");
    int code = RelayDaemon.run(new String[] {"--config", missing.toString()}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(1));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(missing.toString(), "no such file");
  }
}
