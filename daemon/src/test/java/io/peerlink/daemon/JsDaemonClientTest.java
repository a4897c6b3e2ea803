package io.peerlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * js's own daemon client ({@code @libp2p/daemon-client}) drives two peerlink daemons: identify,
 * connect, list peers, a stream to a handler the client registered, the daemon's echo, and the
 * errors for the DHT, pubsub and an unserved protocol ({@code interop/daemon/client-check.mjs}).
 */
@Timeout(180)
class JsDaemonClientTest {
  @Test
  void theJsDaemonClientDrivesPeerlinkDaemons() throws Exception {
    try (Daemon a = Daemon.start(DaemonSettings.loopback(Identity.generate())).join();
         Daemon b = Daemon.start(DaemonSettings.loopback(Identity.generate())).join()) {
      DaemonRunner.Result r = DaemonRunner.run(
          List.of("client-check.mjs", a.controlAddress().toString(), b.controlAddress().toString()),
          Map.of(), Duration.ofSeconds(120));
      assertThat(r.exitCode()).as(r.output()).isZero();
      assertThat(r.output()).contains("passed: stream to a handler registered by the client")
          .contains("passed: DHT requests answer DHT not enabled").endsWith("ok\n");
    }
  }
}
