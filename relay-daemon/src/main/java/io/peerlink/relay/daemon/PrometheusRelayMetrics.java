package io.peerlink.relay.daemon;

import io.peerlink.relay.internal.circuit.RelayStatus;
import io.peerlink.relay.server.CircuitEnd;
import io.peerlink.relay.server.RelayMetrics;
import io.peerlink.relay.server.RelayServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@link RelayMetrics} as Prometheus metrics (client_java 1.x), names prefixed {@code peerlink_relay_}:
 *
 * <ul>
 *   <li>{@code reservations} (gauge), {@code circuits} (gauge): live counts
 *   <li>{@code requests_total{request,status}}: hop requests by kind and the status answered;
 *       refusals are the non-{@code OK} statuses
 *   <li>{@code reservations_granted_total{renewal}}, {@code reservations_ended_total}
 *   <li>{@code circuits_opened_total}, {@code circuits_closed_total{end}},
 *       {@code circuit_duration_seconds} (histogram)
 *   <li>{@code relayed_bytes_total}: bytes forwarded, both directions
 *   <li>{@code handshake_failures_total{stage}}
 * </ul>
 */
final class PrometheusRelayMetrics implements RelayMetrics {
  private final Counter requests;
  private final Counter granted;
  private final Counter ended;
  private final Counter opened;
  private final Counter closed;
  private final Histogram duration;
  private final Counter bytes;
  private final Counter handshakeFailures;

  PrometheusRelayMetrics(PrometheusRegistry registry, Supplier<RelayServer> server) {
    requests = Counter.builder().name("peerlink_relay_requests_total")
        .help("Hop requests answered, by request kind and status").labelNames("request", "status").register(registry);
    granted = Counter.builder().name("peerlink_relay_reservations_granted_total")
        .help("Reservations granted; renewal=true when refreshing one").labelNames("renewal").register(registry);
    ended = Counter.builder().name("peerlink_relay_reservations_ended_total")
        .help("Reservations ended: expired, disconnected or relay stopped").register(registry);
    opened = Counter.builder().name("peerlink_relay_circuits_opened_total")
        .help("Circuits spliced").register(registry);
    closed = Counter.builder().name("peerlink_relay_circuits_closed_total")
        .help("Circuits ended, by reason").labelNames("end").register(registry);
    duration = Histogram.builder().name("peerlink_relay_circuit_duration_seconds")
        .help("Circuit lifetimes").classicUpperBounds(0.1, 1, 10, 30, 60, 120, 300, 900, 3600).register(registry);
    bytes = Counter.builder().name("peerlink_relay_relayed_bytes_total")
        .help("Bytes relayed, both directions").register(registry);
    handshakeFailures = Counter.builder().name("peerlink_relay_handshake_failures_total")
        .help("Hop/stop handshakes that failed, by stage").labelNames("stage").register(registry);
    GaugeWithCallback.builder().name("peerlink_relay_reservations").help("Live reservations")
        .callback(cb -> {
          RelayServer s = server.get();
          cb.call(s == null ? 0 : s.reservations().size());
        }).register(registry);
    GaugeWithCallback.builder().name("peerlink_relay_circuits").help("Circuits admitted and open")
        .callback(cb -> {
          RelayServer s = server.get();
          cb.call(s == null ? 0 : s.circuits().size());
        }).register(registry);
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void requestHandled(Request request, RelayStatus status) {
    requests.labelValues(label(request), status.name()).inc();
  }

  @Override
  public void reservationGranted(boolean renewal) {
    granted.labelValues(Boolean.toString(renewal)).inc();
  }

  @Override
  public void reservationsEnded(int count) {
    ended.inc(count);
  }

  @Override
  public void circuitOpened() {
    opened.inc();
  }

  @Override
  public void circuitClosed(Duration lifetime, CircuitEnd end) {
    closed.labelValues(label(end)).inc();
    duration.observe(lifetime.toNanos() / 1e9);
  }

  @Override
  public void bytesRelayed(int n) {
    bytes.inc(n);
  }

  @Override
  public void handshakeFailed(String stage) {
    handshakeFailures.labelValues(stage).inc();
  }
}
