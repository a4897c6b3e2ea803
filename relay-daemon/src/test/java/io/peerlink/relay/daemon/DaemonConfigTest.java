package io.peerlink.relay.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.ListenerLimits;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.ResourceLimits;
import io.peerlink.relay.server.RelayLimiter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

class DaemonConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaultsAreTheLibrarysDefaults() {
    DaemonConfig c = DaemonConfig.parse();
    assertThat(c.listen).extracting(Object::toString).containsExactly("/ip4/0.0.0.0/tcp/4001");
    assertThat(c.identity).isEqualTo(Path.of("relay-identity.pem"));
    assertThat(c.metrics).isNull();
    assertThat(c.drainTimeout).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.limiter().toString()).isEqualTo(RelayLimiter.defaults().toString());
    assertThat(c.listenerLimits().toString()).isEqualTo(ListenerLimits.defaults().toString());
    assertThat(c.peerConfig().handshakeTimeout()).isEqualTo(PeerConfig.defaults().handshakeTimeout());
  }

  @Test
  void flagsOverrideTheFileWhichOverridesDefaults() throws Exception {
    Path props = dir.resolve("relay.properties");
    Files.writeString(props, "max-circuit-data=1000\nmax-reservations=5\nreservation-ttl=30m\n"
        + "listen=/ip4/127.0.0.1/tcp/1,/ip4/127.0.0.1/tcp/2\nmax-inbound-per-ip=64\nmax-inbound=100\n"
        + "allow-private-addrs=true\n");
    DaemonConfig c = DaemonConfig.parse("--config", props.toString(), "--max-reservations", "7",
        "--max-circuit-duration=90s", "--metrics", "127.0.0.1:0", "--max-inbound", "200");
    assertThat(c.limiter().maxCircuitData()).isEqualTo(1000);
    assertThat(c.limiter().maxReservations()).isEqualTo(7);
    assertThat(c.limiter().reservationTtl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.limiter().maxCircuitDuration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.listen).extracting(Object::toString).containsExactly("/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/2");
    assertThat(c.metrics).isEqualTo(new HostPort("127.0.0.1", 0));
    assertThat(c.listenerLimits().maxInboundPerIp()).isEqualTo(64);
    assertThat(c.listenerLimits().maxInbound()).isEqualTo(200);
    assertThat(c.allowPrivateAddrs).isTrue();
  }

  @Test
  void everyRelayLimitIsSettable() {
    DaemonConfig c = DaemonConfig.parse(
        "--max-reservations", "1", "--max-reservations-per-ip", "2", "--max-circuits", "3",
        "--max-circuits-per-peer", "4", "--reservation-ttl", "5s", "--max-circuit-duration", "6",
        "--max-circuit-data", "7", "--max-message-size", "100", "--stream-timeout", "9s",
        "--connect-timeout", "10s", "--stop-handshake-timeout", "PT11S", "--limit-flush-timeout", "12000ms",
        "--reservation-sweep-interval", "1m", "--drain-timeout", "2h");
    RelayLimiter l = c.limiter();
    assertThat(new long[] {l.maxReservations(), l.maxReservationsPerIp(), l.maxCircuits(), l.maxCircuitsPerPeer(),
        l.reservationTtl().toSeconds(), l.maxCircuitDuration().toSeconds(), l.maxCircuitData(), l.maxMessageSize(),
        l.streamTimeout().toSeconds(), l.connectTimeout().toSeconds(), l.stopHandshakeTimeout().toSeconds(),
        l.limitFlushTimeout().toSeconds(), l.reservationSweepInterval().toSeconds(), c.drainTimeout.toHours()})
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 100, 9, 10, 11, 12, 60, 2);
  }

  @Test
  void everyListenerLimitIsSettableByFlagAndInTheFile() throws Exception {
    String[] flags = {"--max-inbound", "3000", "--max-inbound-per-ip", "100", "--accept-rate", "50",
        "--accept-burst", "20", "--upgrade-cooldown", "2s", "--exempt-loopback", "--handshake-timeout", "4s"};
    Path props = dir.resolve("inbound.properties");
    Files.writeString(props, "max-inbound=3000\nmax-inbound-per-ip=100\naccept-rate=50\naccept-burst=20\n"
        + "upgrade-cooldown=2s\nexempt-loopback=true\nhandshake-timeout=4s\n");
    for (DaemonConfig c : new DaemonConfig[] {DaemonConfig.parse(flags), DaemonConfig.parse("--config", props.toString())}) {
      ListenerLimits l = c.listenerLimits();
      assertThat(l.maxInbound()).isEqualTo(3000);
      assertThat(l.maxInboundPerIp()).isEqualTo(100);
      assertThat(l.acceptsPerSecond()).isEqualTo(50.0);
      assertThat(l.acceptBurst()).isEqualTo(20);
      assertThat(l.upgradeCooldown()).isEqualTo(Duration.ofSeconds(2));
      assertThat(l.exemptLoopback()).isTrue();
      assertThat(c.peerConfig().handshakeTimeout()).isEqualTo(Duration.ofSeconds(4));
    }
    assertThat(DaemonConfig.parse("--accept-rate", "0").listenerLimits().acceptsPerSecond()).isInfinite();
  }

  @Test
  void everyResourceLimitIsSettableByFlagAndInTheFile() throws Exception {
    String[] names = {"system-memory", "system-inbound-streams", "system-outbound-streams",
        "system-inbound-connections", "system-outbound-connections", "peer-memory", "peer-inbound-streams",
        "peer-outbound-streams", "peer-inbound-connections", "peer-outbound-connections", "connection-memory",
        "connection-inbound-streams", "connection-outbound-streams", "negotiating-streams", "protocol-memory",
        "protocol-inbound-streams", "protocol-outbound-streams", "stream-memory"};
    List<String> flags = new ArrayList<>();
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      flags.add("--" + names[i]);
      flags.add(String.valueOf(100 + i));
      file.append(names[i]).append('=').append(100 + i).append('\n');
    }
    Path props = dir.resolve("resources.properties");
    Files.writeString(props, file);
    for (DaemonConfig c : new DaemonConfig[] {DaemonConfig.parse(flags.toArray(String[]::new)),
        DaemonConfig.parse("--config", props.toString())}) {
      ResourceLimits r = c.peerConfig().resourceLimits();
      assertThat(r.system()).isEqualTo(new ResourceLimits.Limit(100, 101, 102, 103, 104));
      assertThat(r.peer()).isEqualTo(new ResourceLimits.Limit(105, 106, 107, 108, 109));
      assertThat(r.connection()).isEqualTo(ResourceLimits.DEFAULT_CONNECTION.withMemory(110).withStreams(111, 112));
      assertThat(c.peerConfig().maxPendingInboundStreams()).isEqualTo(113);
      assertThat(r.protocol()).isEqualTo(ResourceLimits.DEFAULT_PROTOCOL.withMemory(114).withStreams(115, 116));
      assertThat(r.stream()).isEqualTo(ResourceLimits.DEFAULT_STREAM.withMemory(117));
    }
    assertThat(DaemonConfig.parse().peerConfig().resourceLimits()).isEqualTo(ResourceLimits.defaults());
  }

  @Test
  void unlimitedPresetThenOverrides() {
    DaemonConfig c = DaemonConfig.parse("--unlimited", "true", "--max-circuit-data", "5");
    assertThat(c.limiter().maxReservations()).isZero();
    assertThat(c.limiter().maxCircuitData()).isEqualTo(5);
    assertThat(DaemonConfig.parse("--unlimited").limiter().maxCircuits()).isZero();
  }

  @Test
  void badInputNamesTheFlagOrSetting() throws Exception {
    assertThatThrownBy(() -> DaemonConfig.parse("--max-circuits", "x")).isInstanceOf(ParameterException.class)
        .hasMessageContaining("--max-circuits");
    assertThatThrownBy(() -> DaemonConfig.parse("--nope", "1")).hasMessageContaining("--nope");
    assertThatThrownBy(() -> DaemonConfig.parse("--max-circuits", "-1")).hasMessageContaining("maxCircuits")
        .hasMessageContaining("(--max-circuits)");
    assertThatThrownBy(() -> DaemonConfig.parse("--max-inbound", "0")).hasMessageContaining("(--max-inbound)");
    assertThatThrownBy(() -> DaemonConfig.parse("--metrics", "9100")).hasMessageContaining("host:port");
    assertThatThrownBy(() -> DaemonConfig.parse("--reservation-ttl", "5x")).hasMessageContaining("--reservation-ttl");
    Path props = dir.resolve("typo.properties");
    Files.writeString(props, "max-reservatons=5\n");
    assertThatThrownBy(() -> DaemonConfig.parse("--config", props.toString()))
        .hasMessageContaining("max-reservatons").hasMessageContaining(props.toString());
    Path missing = dir.resolve("missing.properties");
    assertThatThrownBy(() -> DaemonConfig.parse("--config", missing.toString()))
        .hasMessageContaining(missing.toString()).hasMessageContaining("no such file")
        .hasMessageContaining("name=value lines");
  }

  @Test
  void aBinaryConfigFileIsNamedAsNotAPropertiesFile() throws Exception {
    Path binary = dir.resolve("relay.properties");
    byte[] bytes = new byte[512];
    new Random(3).nextBytes(bytes);
    bytes[0] = 0; // binary whatever the seed gives
    Files.write(binary, bytes);
    assertThatThrownBy(() -> DaemonConfig.parse("--config", binary.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining(binary.toString())
        .hasMessageContaining("binary content")
        .hasMessageContaining("not a properties file of name=value lines")
        .hasMessageNotContaining("Input length");
    Path latin1 = dir.resolve("latin1.properties");
    Files.write(latin1, new byte[] {'a', '=', (byte) 0xe9, '\n'}); // Latin-1, not UTF-8
    assertThatThrownBy(() -> DaemonConfig.parse("--config", latin1.toString()))
        .hasMessageContaining(latin1.toString()).hasMessageContaining("not UTF-8 text");
  }

  @Test
  void aRandomBytesIdentityFileStopsTheDaemonNamingTheFile() throws Exception {
    Path key = dir.resolve("relay.pem");
    byte[] bytes = new byte[64];
    new Random(5).nextBytes(bytes);
    bytes[0] = (byte) 0x80;
    Files.write(key, bytes);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RelayDaemon.run(new String[] {"--identity", key.toString(), "--listen", "/ip4/127.0.0.1/tcp/0"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(1));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("could not start: identity file " + key)
        .contains("binary content")
        .contains("BEGIN PRIVATE KEY")
        .doesNotContain("Input length");
  }

  /** The example file shipped for systemd and containers is a valid configuration. */
  @Test
  void thePackagedExampleConfigurationIsValid() {
    Path example = Path.of("packaging/relay.properties");
    assertThat(example).exists();
    DaemonConfig c = DaemonConfig.parse("--config", example.toString());
    assertThat(c.limiter().maxReservations()).isEqualTo(512);
    assertThat(c.listenerLimits().maxInboundPerIp()).isEqualTo(64);
    assertThat(c.metrics).isEqualTo(new HostPort("127.0.0.1", 9100));
  }

  /** The help text states each limit's default; those must be the library's real defaults. */
  @Test
  void helpStatesEveryLimitAndTheLibrarysDefaultForIt() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = RelayDaemon.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        System.err, new CountDownLatch(1));
    assertThat(code).isZero();
    String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    RelayLimiter r = RelayLimiter.defaults();
    ListenerLimits l = ListenerLimits.defaults();
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("--max-reservations", "default: " + r.maxReservations() + ")");
    expected.put("--max-reservations-per-ip", "default: " + r.maxReservationsPerIp() + ")");
    expected.put("--max-circuits", "default: " + r.maxCircuits() + ")");
    expected.put("--max-circuits-per-peer", "default: " + r.maxCircuitsPerPeer() + ")");
    expected.put("--reservation-ttl", "default: " + r.reservationTtl().toHours() + "h)");
    expected.put("--max-circuit-duration", "default: " + r.maxCircuitDuration().toMinutes() + "m)");
    expected.put("--max-circuit-data", "default: " + r.maxCircuitData() + ")");
    expected.put("--max-message-size", "default and maximum: " + r.maxMessageSize() + ")");
    expected.put("--stream-timeout", "default: " + r.streamTimeout().toMinutes() + "m)");
    expected.put("--connect-timeout", "default: " + r.connectTimeout().toSeconds() + "s)");
    expected.put("--stop-handshake-timeout", "default: " + r.stopHandshakeTimeout().toMinutes() + "m)");
    expected.put("--limit-flush-timeout", "default: " + r.limitFlushTimeout().toSeconds() + "s)");
    expected.put("--reservation-sweep-interval", "default: " + r.reservationSweepInterval().toMinutes() + "m)");
    ResourceLimits rl = ResourceLimits.defaults();
    expected.put("--system-memory", "default: " + rl.system().memory() + ")");
    expected.put("--system-inbound-streams", "default: " + rl.system().inboundStreams() + ")");
    expected.put("--system-outbound-streams", "default: " + rl.system().outboundStreams() + ")");
    expected.put("--system-inbound-connections", "default: " + rl.system().inboundConnections() + ")");
    expected.put("--system-outbound-connections", "default: " + rl.system().outboundConnections() + ")");
    expected.put("--peer-memory", "default: " + rl.peer().memory() + ")");
    expected.put("--peer-inbound-streams", "default: " + rl.peer().inboundStreams() + ")");
    expected.put("--peer-outbound-streams", "default: " + rl.peer().outboundStreams() + ")");
    expected.put("--peer-inbound-connections", "default: " + rl.peer().inboundConnections() + ")");
    expected.put("--peer-outbound-connections", "default: " + rl.peer().outboundConnections() + ")");
    expected.put("--connection-memory", "default: " + rl.connection().memory() + ")");
    expected.put("--connection-inbound-streams", "default: " + rl.connection().inboundStreams() + ")");
    expected.put("--connection-outbound-streams", "default: " + rl.connection().outboundStreams() + ")");
    expected.put("--negotiating-streams", "default: " + PeerConfig.defaults().maxPendingInboundStreams() + ")");
    expected.put("--protocol-memory", "default: " + rl.protocol().memory() + ")");
    expected.put("--protocol-inbound-streams", "default: " + rl.protocol().inboundStreams() + ")");
    expected.put("--protocol-outbound-streams", "default: " + rl.protocol().outboundStreams() + ")");
    expected.put("--stream-memory", "default: " + rl.stream().memory() + ")");
    expected.put("--max-inbound", "default: " + l.maxInbound() + ")");
    expected.put("--max-inbound-per-ip", "default: " + l.maxInboundPerIp() + ")");
    expected.put("--accept-rate", "default: " + (long) l.acceptsPerSecond() + ")");
    expected.put("--accept-burst", "default: " + l.acceptBurst() + ")");
    expected.put("--upgrade-cooldown", "default: " + l.upgradeCooldown().toSeconds() + "s)");
    expected.put("--exempt-loopback", "default: " + l.exemptLoopback() + ")");
    expected.put("--handshake-timeout", "default: " + PeerConfig.defaults().handshakeTimeout().toSeconds() + "s)");
    expected.forEach((flag, dflt) -> {
      int at = help.indexOf(flag + "=") >= 0 ? help.indexOf(flag + "=") : help.indexOf(flag + "[=");
      assertThat(at).as("%s in the help", flag).isNotNegative();
      int next = help.indexOf(" --", at + flag.length());
      String entry = help.substring(at, next < 0 ? help.length() : next);
      assertThat(entry).as("help entry of %s", flag).contains(dflt);
    });
  }
}
