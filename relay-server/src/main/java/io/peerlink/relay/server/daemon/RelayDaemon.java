package io.peerlink.relay.server.daemon;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.server.AddressFilters;
import io.peerlink.relay.server.RelayServer;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The relay daemon: {@code java -jar relay-server.jar --listen /ip4/0.0.0.0/tcp/4001 [--identity key.pem]
 * [--config relay.properties] [--metrics 127.0.0.1:9100] [--max-circuit-data N ...]}.
 *
 * <p>Prints one JSON line per event on stdout ({@code listening} once ready, {@code stopping},
 * {@code stopped}); logs go to stderr. SIGTERM or SIGINT stop it gracefully: no new reservations or
 * circuits, open circuits get {@code --drain-timeout} to finish. Exit codes: 0 after a clean stop,
 * 2 for bad arguments, 1 if it could not start.
 */
public final class RelayDaemon {
  private RelayDaemon() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err, new CountDownLatch(1)));
  }

  /** Runs until {@code shutdown} is counted down or the JVM is asked to exit; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch shutdown) {
    DaemonConfig cfg;
    try {
      cfg = DaemonConfig.parse(args);
    } catch (IllegalArgumentException | java.io.IOException e) {
      err.println("relay-server: " + e.getMessage());
      err.println(DaemonConfig.usage());
      return 2;
    }
    if (cfg.help) {
      out.print(DaemonConfig.usage());
      return 0;
    }
    HTTPServer metricsServer = null;
    RelayServer relay;
    AtomicReference<RelayServer> ref = new AtomicReference<>();
    try {
      Identity identity = Identity.loadOrCreate(cfg.identity);
      RelayServer.Builder b = RelayServer.builder(identity).limiter(cfg.limiter).announce(cfg.announce);
      cfg.listen.forEach(b::listenOn);
      if (cfg.allowPrivateAddrs) {
        b.publicAddressFilter(AddressFilters.any());
      } else if (!cfg.publicCidrs.isEmpty()) {
        b.publicAddressFilter(AddressFilters.publicOr(cfg.publicCidrs));
      }
      if (cfg.metrics != null) {
        PrometheusRegistry registry = new PrometheusRegistry();
        b.metrics(new PrometheusRelayMetrics(registry, ref::get));
        int colon = cfg.metrics.lastIndexOf(':');
        metricsServer = HTTPServer.builder()
            .hostname(cfg.metrics.substring(0, colon))
            .port(Integer.parseInt(cfg.metrics.substring(colon + 1)))
            .registry(registry)
            .buildAndStart();
      }
      relay = b.build();
      ref.set(relay);
      relay.start().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("relay-server: could not start: " + e);
      if (metricsServer != null) {
        metricsServer.close();
      }
      return 1;
    }
    StringBuilder json = new StringBuilder("{\"event\":\"listening\",\"peerId\":\"")
        .append(relay.peerId()).append("\",\"addrs\":[");
    boolean first = true;
    for (Multiaddr a : relay.listener().listenAddresses()) {
      json.append(first ? "" : ",").append('"').append(a).append('"');
      first = false;
    }
    json.append("],\"reservationAddrs\":[");
    first = true;
    for (Multiaddr a : relay.reservationAddresses()) {
      json.append(first ? "" : ",").append('"').append(a).append('"');
      first = false;
    }
    json.append("]");
    if (metricsServer != null) {
      json.append(",\"metricsPort\":").append(metricsServer.getPort());
    }
    json.append('}');
    out.println(json);
    out.flush();

    CountDownLatch stopped = new CountDownLatch(1);
    HTTPServer metricsToClose = metricsServer;
    Thread hook = new Thread(() -> {
      shutdown.countDown();
      try {
        stopped.await(cfg.drainTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "relay-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      shutdown.await();
      out.println("{\"event\":\"stopping\",\"circuits\":" + relay.circuits().size() + "}");
      out.flush();
      relay.stop(cfg.drainTimeout).get(cfg.drainTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      out.println("{\"event\":\"stopped\"}");
      out.flush();
      return 0;
    } catch (Exception e) {
      err.println("relay-server: unclean stop: " + e);
      return 1;
    } finally {
      if (metricsToClose != null) {
        metricsToClose.close();
      }
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running: it waits for `stopped`
      }
    }
  }
}
