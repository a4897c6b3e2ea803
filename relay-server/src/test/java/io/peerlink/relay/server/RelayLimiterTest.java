package io.peerlink.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.relay.internal.circuit.CircuitLimit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RelayLimiterTest {

  @Test
  void defaultsMatchGoLibp2p() {
    RelayLimiter d = RelayLimiter.defaults();
    assertThat(d.maxReservations()).isEqualTo(128);
    assertThat(d.maxReservationsPerIp()).isEqualTo(8);
    assertThat(d.maxCircuitsPerPeer()).isEqualTo(16);
    assertThat(d.maxCircuits()).isEqualTo(1024);
    assertThat(d.reservationTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(d.maxCircuitDuration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(d.maxCircuitData()).isEqualTo(131072);
    assertThat(d.maxMessageSize()).isEqualTo(4096);
    assertThat(d.streamTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.stopHandshakeTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.circuitLimit()).isEqualTo(new CircuitLimit(120, 131072));
  }

  @Test
  void unlimitedPreset() {
    RelayLimiter u = RelayLimiter.unlimited();
    assertThat(u.maxReservations()).isZero();
    assertThat(u.maxReservationsPerIp()).isZero();
    assertThat(u.maxCircuits()).isZero();
    assertThat(u.maxCircuitsPerPeer()).isZero();
    assertThat(u.circuitLimit().isUnlimited()).isTrue();
    assertThat(u.circuitLimit().toProto()).isNull();
    assertThat(u.reservationTtl()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void toBuilderRoundTrips() {
    RelayLimiter l = RelayLimiter.builder().maxCircuitData(5).maxReservations(3).build();
    assertThat(l.toBuilder().build().toString()).isEqualTo(l.toString());
  }

  @Test
  void validationNamesTheField() {
    assertThatThrownBy(() -> RelayLimiter.builder().maxReservations(-1).build()).hasMessageContaining("maxReservations");
    assertThatThrownBy(() -> RelayLimiter.builder().maxReservationsPerIp(-1).build()).hasMessageContaining("maxReservationsPerIp");
    assertThatThrownBy(() -> RelayLimiter.builder().maxCircuits(-1).build()).hasMessageContaining("maxCircuits");
    assertThatThrownBy(() -> RelayLimiter.builder().maxCircuitsPerPeer(-2).build()).hasMessageContaining("maxCircuitsPerPeer");
    assertThatThrownBy(() -> RelayLimiter.builder().maxCircuitData(-1).build()).hasMessageContaining("maxCircuitData");
    assertThatThrownBy(() -> RelayLimiter.builder().reservationTtl(Duration.ofMillis(999)).build()).hasMessageContaining("reservationTtl");
    assertThatThrownBy(() -> RelayLimiter.builder().maxCircuitDuration(Duration.ofMillis(1500)).build()).hasMessageContaining("maxCircuitDuration");
    assertThatThrownBy(() -> RelayLimiter.builder().maxCircuitDuration(Duration.ofSeconds(-1)).build()).hasMessageContaining("maxCircuitDuration");
    assertThatThrownBy(() -> RelayLimiter.builder().maxCircuitDuration(Duration.ofSeconds(1L << 32)).build()).hasMessageContaining("maxCircuitDuration");
    assertThatThrownBy(() -> RelayLimiter.builder().maxMessageSize(4097).build()).hasMessageContaining("maxMessageSize");
    assertThatThrownBy(() -> RelayLimiter.builder().streamTimeout(Duration.ZERO).build()).hasMessageContaining("streamTimeout");
    assertThatThrownBy(() -> RelayLimiter.builder().connectTimeout(null).build()).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> RelayLimiter.builder().stopHandshakeTimeout(Duration.ofSeconds(-1)).build()).hasMessageContaining("stopHandshakeTimeout");
    assertThat(RelayLimiter.builder().maxCircuitDuration(Duration.ofSeconds(1)).build().circuitLimit().durationSeconds()).isEqualTo(1);
  }
}
