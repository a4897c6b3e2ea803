package io.peerlink.examples.cli;

import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.perf.Perf;
import io.peerlink.core.perf.PerfResult;
import io.peerlink.core.perf.PerfRun;
import io.peerlink.relay.Manager;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code peerlink perf --target <addr> --upload BYTES --download BYTES}: one {@code /perf/1.0.0}
 * run against any libp2p peer that serves it, printed as the libp2p perf dashboard's JSON lines
 * (those lines carry {@code "type"}, not the tool's usual {@code "event"}, so the dashboard's own
 * tooling reads them):
 *
 * <pre>
 * {"type":"intermediary","timeSeconds":1.0,"uploadBytes":…,"downloadBytes":…}   about once a second, bytes moved in that interval
 * {"type":"final","timeSeconds":…,"uploadBytes":…,"downloadBytes":…}            totals, time from the dial to the end
 * </pre>
 *
 * <p>The target may be a relayed {@code /p2p-circuit} address. Failures are thrown for the tool to
 * print as its usual error line.
 */
final class PerfCommand {
  private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private PerfCommand() {}

  /** Dials {@code target}, runs perf once, prints the lines; returns the exit code (0). */
  static int run(PrintStream out, Multiaddr target, long uploadBytes, long downloadBytes, PeerConfig config)
      throws Exception {
    if (uploadBytes < 0 || downloadBytes < 0) {
      throw new IllegalArgumentException("--upload and --download take a number of bytes >= 0");
    }
    Manager.Builder b = Manager.builder(Identity.generate()).config(config)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
    try (Manager manager = b.build().start().get()) {
      // As js-libp2p's perf: the final time includes opening the connection.
      long start = System.nanoTime();
      Peer peer = manager.connect(target).get();
      PerfRun run = Perf.start(peer, uploadBytes, downloadBytes);
      long last = System.nanoTime();
      long lastUp = 0;
      long lastDown = 0;
      PerfResult result;
      while (true) {
        try {
          result = run.result().get(Math.max(0, last + REPORT_INTERVAL_NANOS - System.nanoTime()), TimeUnit.NANOSECONDS);
          break;
        } catch (TimeoutException e) {
          long now = System.nanoTime();
          long up = run.uploadedBytes();
          long down = run.downloadedBytes();
          out.println(Json.write(line("intermediary", now - last, up - lastUp, down - lastDown)));
          last = now;
          lastUp = up;
          lastDown = down;
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
      out.println(Json.write(line("final", System.nanoTime() - start, result.uploadBytes(), result.downloadBytes())));
      peer.close().get();
    }
    return 0;
  }

  private static Map<String, Object> line(String type, long nanos, long uploadBytes, long downloadBytes) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("timeSeconds", Math.round(nanos / 1e6) / 1e3);
    m.put("uploadBytes", uploadBytes);
    m.put("downloadBytes", downloadBytes);
    return m;
  }
}
