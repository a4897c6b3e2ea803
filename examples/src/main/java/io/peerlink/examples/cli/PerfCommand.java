package io.peerlink.examples.cli;

import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.perf.Perf;
import io.peerlink.core.perf.PerfResult;
import io.peerlink.core.perf.PerfRun;
import io.peerlink.relay.Manager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
@Command(name = "perf", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Run the libp2p perf protocol (/perf/1.0.0) once against a peer that serves it (peerlink peer does)"
          + " and print the perf dashboard's JSON lines: type intermediary about once a second, then final.",
      ""
    })
final class PerfCommand implements Callable<Integer> {
  private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  @Option(names = "--target", paramLabel = "MULTIADDR", required = true, converter = MultiaddrConverter.class,
      description = "The peer to measure against: a multiaddr ending in /p2p/<id> (may be <relay>/p2p-circuit/p2p/<id>).")
  Multiaddr target;

  @Option(names = "--upload", paramLabel = "BYTES", defaultValue = "0", description = "Bytes to send.")
  long uploadBytes;

  @Option(names = "--download", paramLabel = "BYTES", defaultValue = "0", description = "Bytes to ask the peer to send.")
  long downloadBytes;

  @Mixin
  PeerOptions peer;

  /** Dials the target, runs perf once, prints the lines; returns the exit code (0). */
  @Override
  public Integer call() throws Exception {
    if (uploadBytes < 0 || downloadBytes < 0) {
      throw new IllegalArgumentException("--upload and --download take a number of bytes >= 0");
    }
    Manager.Builder b = Manager.builder(Identity.generate()).config(peer.config())
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
          JsonEvents.print(line("intermediary", now - last, up - lastUp, down - lastDown));
          last = now;
          lastUp = up;
          lastDown = down;
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
      JsonEvents.print(line("final", System.nanoTime() - start, result.uploadBytes(), result.downloadBytes()));
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
