package io.peerlink.relay.daemon;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peerlink.core.metrics.MicrometerMetrics;
import io.peerlink.relay.server.RelayServer;
import java.util.function.Supplier;

/**
 * The daemon's metrics in one Prometheus registry: the relay's events through
 * {@link MicrometerMetrics} (requests by kind and status, reservations, circuits, their lifetimes
 * and bytes), live reservations and circuits, bytes relayed, and the JVM and the process (memory,
 * GC, threads, classes, CPU, uptime, file descriptors). Served at {@code /metrics}.
 */
final class RelayMeters {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerMetrics events = new MicrometerMetrics(registry);

  /**
   * @param server the running relay, or null before it starts
   */
  RelayMeters(Supplier<RelayServer> server) {
    Gauge.builder("peerlink.relay.reservations", server, s -> s.get() == null ? 0 : s.get().reservations().size())
        .description("Live reservations").register(registry);
    Gauge.builder("peerlink.relay.circuits", server, s -> s.get() == null ? 0 : s.get().circuits().size())
        .description("Circuits admitted and open").register(registry);
    FunctionCounter.builder("peerlink.relay.relayed.bytes", server,
            s -> s.get() == null ? 0 : s.get().bytesRelayed())
        .description("Bytes relayed, both directions").baseUnit("bytes").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** {@return the listener that turns the relay's events into meters} */
  MicrometerMetrics events() {
    return events;
  }

  /** {@return everything, in the Prometheus text format} */
  String scrape() {
    return registry.scrape();
  }
}
