package io.peerlink.relay.server.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaults() throws Exception {
    DaemonConfig c = DaemonConfig.parse(new String[0]);
    assertThat(c.listen).extracting(Object::toString).containsExactly("/ip4/0.0.0.0/tcp/4001");
    assertThat(c.limiter.maxReservations()).isEqualTo(128);
    assertThat(c.metrics).isNull();
  }

  @Test
  void flagsOverrideTheFileWhichOverridesDefaults() throws Exception {
    Path props = dir.resolve("relay.properties");
    Files.writeString(props, "max-circuit-data=1000\nmax-reservations=5\nreservation-ttl=30m\nlisten=/ip4/127.0.0.1/tcp/1,/ip4/127.0.0.1/tcp/2\n");
    DaemonConfig c = DaemonConfig.parse(new String[] {
        "--config", props.toString(), "--max-reservations", "7", "--max-circuit-duration=90s", "--metrics", "127.0.0.1:0"});
    assertThat(c.limiter.maxCircuitData()).isEqualTo(1000);
    assertThat(c.limiter.maxReservations()).isEqualTo(7);
    assertThat(c.limiter.reservationTtl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.limiter.maxCircuitDuration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.listen).hasSize(2);
    assertThat(c.metrics).isEqualTo("127.0.0.1:0");
  }

  @Test
  void everyLimitIsSettable() throws Exception {
    DaemonConfig c = DaemonConfig.parse(new String[] {
        "--max-reservations", "1", "--max-reservations-per-ip", "2", "--max-circuits", "3",
        "--max-circuits-per-peer", "4", "--reservation-ttl", "5s", "--max-circuit-duration", "6",
        "--max-circuit-data", "7", "--max-message-size", "100", "--stream-timeout", "9s",
        "--connect-timeout", "10s", "--stop-handshake-timeout", "PT11S", "--limit-flush-timeout", "12000ms",
        "--reservation-sweep-interval", "1m", "--drain-timeout", "2h"});
    var l = c.limiter;
    assertThat(new long[] {l.maxReservations(), l.maxReservationsPerIp(), l.maxCircuits(), l.maxCircuitsPerPeer(),
        l.reservationTtl().toSeconds(), l.maxCircuitDuration().toSeconds(), l.maxCircuitData(), l.maxMessageSize(),
        l.streamTimeout().toSeconds(), l.connectTimeout().toSeconds(), l.stopHandshakeTimeout().toSeconds(),
        l.limitFlushTimeout().toSeconds(), l.reservationSweepInterval().toSeconds(), c.drainTimeout.toHours()})
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 100, 9, 10, 11, 12, 60, 2);
    assertThat(DaemonConfig.SETTINGS).containsKeys("max-reservations", "max-circuit-data");
  }

  @Test
  void unlimitedPresetThenOverrides() throws Exception {
    DaemonConfig c = DaemonConfig.parse(new String[] {"--unlimited", "true", "--max-circuit-data", "5"});
    assertThat(c.limiter.maxReservations()).isZero();
    assertThat(c.limiter.maxCircuitData()).isEqualTo(5);
  }

  @Test
  void badInputNamesTheSetting() {
    assertThatThrownBy(() -> DaemonConfig.parse(new String[] {"--max-circuits", "x"})).hasMessageContaining("max-circuits");
    assertThatThrownBy(() -> DaemonConfig.parse(new String[] {"--nope", "1"})).hasMessageContaining("--nope");
    assertThatThrownBy(() -> DaemonConfig.parse(new String[] {"--max-circuits", "-1"})).hasMessageContaining("maxCircuits");
    assertThatThrownBy(() -> DaemonConfig.parse(new String[] {"--metrics", "9100"})).hasMessageContaining("host:port");
    assertThatThrownBy(() -> DaemonConfig.parse(new String[] {"--reservation-ttl", "5x"})).hasMessageContaining("reservation-ttl");
  }
}
