package io.peerlink.benchmarks.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Samples the relay daemon's memory and threads after a full GC: {@code jcmd PID GC.run}, then its
 * Prometheus endpoint for heap used, the JVM's direct buffer pool and live threads.
 */
final class RelaySampler {
  private final long pid;
  private final URI metrics;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  RelaySampler(long pid, String metricsHostPort) {
    this.pid = pid;
    this.metrics = URI.create("http://" + metricsHostPort + "/metrics");
  }

  /** One sample: elapsed seconds, heap and direct bytes, live threads; -1 for what could not be read. */
  Map<String, Object> sample(long elapsedSeconds) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("t", elapsedSeconds);
    gc();
    long heap = 0;
    long direct = -1;
    long threads = -1;
    try {
      String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String line : text.split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          heap += (long) value(line);
        } else if (line.startsWith("jvm_buffer_memory_used_bytes{") && line.contains("id=\"direct\"")) {
          direct = (long) value(line);
        } else if (line.startsWith("jvm_threads_live_threads")) {
          threads = (long) value(line);
        }
      }
    } catch (Exception e) {
      heap = -1;
      s.put("error", e.toString());
    }
    s.put("heapBytes", heap);
    s.put("directBytes", direct);
    s.put("threads", threads);
    return s;
  }

  private void gc() {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the sample is taken anyway and the report shows the numbers
    }
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
