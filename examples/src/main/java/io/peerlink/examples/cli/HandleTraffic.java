package io.peerlink.examples.cli;

import io.peerlink.core.Echo;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerHandle;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A steady stream of data through a peer's handle, for {@code peerlink dial --hold-ms}: one echo
 * round trip of {@code bytes} started every {@code every}, each on a new stream, so every round
 * trip goes where the handle sends new streams at that moment. A round trip does not wait for the
 * one before it (at most {@link #MAX_IN_FLIGHT} are in flight): one stuck on a path that went
 * silent must not hold back the next, which the handle may already send elsewhere. It prints a
 * {@code stream} line for each failure and for the first success after a failure or on another
 * path than the last, each with {@code "nanos"} (the JVM's monotonic clock, comparable with a
 * test's on the same machine), and a {@code traffic} summary at the end.
 */
final class HandleTraffic {
  /** How long one round trip may take before it counts as failed. */
  private static final Duration ROUND_TRIP_TIMEOUT = Duration.ofSeconds(5);
  /** Round trips in flight at most; a full house waits for one to end before starting another. */
  private static final int MAX_IN_FLIGHT = 64;

  private final PeerHandle handle;
  private final int bytes;
  private final Duration every;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private String lastPath; // guarded by this
  private boolean lastOk = true; // guarded by this
  private int ok; // guarded by this
  private int failed; // guarded by this

  HandleTraffic(PeerHandle handle, int bytes, Duration every) {
    this.handle = handle;
    this.bytes = bytes;
    this.every = every;
  }

  /** Runs until {@code hold} has passed and the round trips started by then ended; returns how many failed. */
  int run(Duration hold) throws InterruptedException {
    long end = System.nanoTime() + hold.toNanos();
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      inFlight.acquire();
      byte[] payload = new byte[bytes];
      ThreadLocalRandom.current().nextBytes(payload);
      CompletableFuture<Duration> roundTrip;
      try {
        roundTrip = Echo.roundTrip(handle, payload);
      } catch (RuntimeException e) {
        roundTrip = CompletableFuture.failedFuture(e);
      }
      roundTrip.orTimeout(ROUND_TRIP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((took, error) -> {
            ended(took, error);
            inFlight.release();
          });
      long rest = every.toNanos() - (System.nanoTime() - start);
      if (rest > 0) {
        TimeUnit.NANOSECONDS.sleep(rest); // paces the traffic; nothing waits on it
      }
    }
    inFlight.acquire(MAX_IN_FLIGHT);
    Map<String, Object> summary = JsonEvents.event("traffic");
    synchronized (this) {
      summary.put("ok", ok);
      summary.put("failed", failed);
    }
    summary.put("bytesEach", bytes);
    JsonEvents.print(summary);
    synchronized (this) {
      return failed;
    }
  }

  private synchronized void ended(Duration took, Throwable error) {
    Map<String, Object> line = JsonEvents.event("stream");
    if (error == null) {
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
    } else {
      failed++;
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      line.put("ok", false);
      line.put("error", PeerException.wrap(cause, PeerError.IO).getMessage());
      line.put("nanos", System.nanoTime());
      JsonEvents.print(line);
      lastOk = false;
    }
  }
}
