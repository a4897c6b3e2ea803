package io.peerlink.relay.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The daemon's HTTP endpoint ({@code --metrics host:port}): {@code /metrics} in the Prometheus text
 * format, {@code /healthz} (200 while the relay serves or drains with its listener bound, else 503)
 * and {@code /readyz} (200 while it would take a new peer, else 503). Unauthenticated: bind it to
 * localhost or a private interface. One thread: scrapes and probes are small and rare.
 */
final class AdminServer implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService executor;

  private AdminServer(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  static AdminServer start(HostPort at, RelayMeters meters, RelayHealth health, JsonLines json)
      throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(at.host(), at.port()), 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "relay-admin-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.createContext("/metrics", ex -> serve(ex, () -> new Response(200,
        "text/plain; version=0.0.4; charset=utf-8", meters.scrape().getBytes(StandardCharsets.UTF_8))));
    http.createContext("/healthz", ex -> serve(ex, () -> {
      RelayHealth.Report r = health.report();
      return Response.json(r.healthy() ? 200 : 503, json.write(r.body()));
    }));
    http.createContext("/readyz", ex -> serve(ex, () -> {
      RelayHealth.Report r = health.report();
      return Response.json(r.ready() ? 200 : 503, json.write(r.body()));
    }));
    http.createContext("/", ex -> serve(ex, () -> Response.json(404, "{\"error\":\"not found; try /metrics, /healthz or /readyz\"}")));
    http.start();
    return new AdminServer(http, executor);
  }

  /** The bound port (useful when the configured port was 0). */
  int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private interface Body {
    Response get() throws IOException;
  }

  private record Response(int status, String contentType, byte[] body) {
    static Response json(int status, String json) {
      return new Response(status, "application/json", (json + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void serve(HttpExchange ex, Body body) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      Response r = body.get();
      ex.getResponseHeaders().set("Content-Type", r.contentType());
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      if (method.equals("HEAD")) {
        ex.sendResponseHeaders(r.status(), -1);
        return;
      }
      ex.sendResponseHeaders(r.status(), r.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
  }
}
