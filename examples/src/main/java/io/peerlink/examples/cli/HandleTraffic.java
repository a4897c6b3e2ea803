package io.peerlink.examples.cli;

import io.peerlink.core.Echo;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerHandle;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A steady stream of data through a peer's handle, for {@code peerlink dial --hold-ms}: one echo
 * round trip of {@code bytes} every {@code every}, each on a new stream, so every round trip goes
 * where the handle sends new streams at that moment. It prints a {@code stream} line for each
 * failure and for the first success after a failure or on another path than the last, each with
 * {@code "nanos"} (the JVM's monotonic clock, comparable with a test's on the same machine), and
 * a {@code traffic} summary at the end.
 */
final class HandleTraffic {
  /** How long one round trip may take before it counts as failed. */
  private static final Duration ROUND_TRIP_TIMEOUT = Duration.ofSeconds(5);

  private final PeerHandle handle;
  private final int bytes;
  private final Duration every;

  HandleTraffic(PeerHandle handle, int bytes, Duration every) {
    this.handle = handle;
    this.bytes = bytes;
    this.every = every;
  }

  /** Runs until {@code hold} has passed; returns how many round trips failed. */
  int run(Duration hold) throws InterruptedException {
    long end = System.nanoTime() + hold.toNanos();
    String lastPath = null;
    boolean lastOk = true;
    int ok = 0;
    int failed = 0;
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      byte[] payload = new byte[bytes];
      ThreadLocalRandom.current().nextBytes(payload);
      Map<String, Object> line = JsonEvents.event("stream");
      try {
        Duration took = Echo.roundTrip(handle, payload).get(ROUND_TRIP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ok++;
        // Where new streams go now: the round trip just ran there, or on the connection it replaced.
        String path = handle.current().map(Peer::path).map(p -> p.wireName()).orElse("none");
        if (!lastOk || !path.equals(lastPath)) {
          line.put("ok", true);
          line.put("path", path);
          line.put("ms", JsonEvents.millis(took.toNanos()));
          line.put("nanos", System.nanoTime());
          JsonEvents.print(line);
        }
        lastPath = path;
        lastOk = true;
      } catch (Exception e) {
        failed++;
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        line.put("ok", false);
        line.put("error", PeerException.wrap(cause, PeerError.IO).getMessage());
        line.put("nanos", System.nanoTime());
        JsonEvents.print(line);
        lastOk = false;
      }
      long rest = every.toNanos() - (System.nanoTime() - start);
      if (rest > 0) {
        TimeUnit.NANOSECONDS.sleep(rest); // paces the traffic; nothing waits on it
      }
    }
    Map<String, Object> summary = JsonEvents.event("traffic");
    summary.put("ok", ok);
    summary.put("failed", failed);
    summary.put("bytesEach", bytes);
    JsonEvents.print(summary);
    return failed;
  }
}
