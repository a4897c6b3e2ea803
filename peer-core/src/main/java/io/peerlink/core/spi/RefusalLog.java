package io.peerlink.core.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Log lines for what a host refuses (connections over a limit, reservations, circuits, peers that
 * break a bound), so operators see them at INFO without a hostile peer flooding the log: at most
 * one line per reason per {@link #DEFAULT_INTERVAL interval}, and the next line for that reason
 * says how many more were refused in between. A line reads
 * {@code refused <reason> from <remote>: <detail> (and N more since the last such line)}.
 *
 * <p>Reasons should come from a small fixed set (a status or limit name, never a peer's input):
 * each distinct reason keeps a few bytes, and past {@link #MAX_REASONS} the rest share one entry.
 * Thread-safe.
 */
public final class RefusalLog {
  /** One line per reason per this interval: 1 s. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  /** Distinct reasons tracked on their own: 256. */
  public static final int MAX_REASONS = 256;
  private static final String OTHER = "(other reasons)";

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Consumer<String> sink;
  private final Logger enabledCheck;
  private final ConcurrentHashMap<String, Window> reasons = new ConcurrentHashMap<>();

  /** When a reason last had a line, and how many refusals went unlogged since. */
  private static final class Window {
    boolean logged;
    long lastNanos;
    long suppressed;
  }

  /**
   * Lines at INFO on {@code logger}, one per reason per second.
   *
   * @param logger where the lines go
   */
  public RefusalLog(Logger logger) {
    this(DEFAULT_INTERVAL, System::nanoTime, Objects.requireNonNull(logger, "logger")::info, logger);
  }

  /**
   * Lines to {@code sink}, one per reason per {@code interval} of {@code nanoClock}.
   *
   * @param interval the shortest time between two lines for one reason
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests)
   * @param sink receives each line
   */
  public RefusalLog(Duration interval, LongSupplier nanoClock, Consumer<String> sink) {
    this(interval, nanoClock, sink, null);
  }

  private RefusalLog(Duration interval, LongSupplier nanoClock, Consumer<String> sink, Logger enabledCheck) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must be >= 0");
    }
    this.intervalNanos = interval.toNanos();
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.enabledCheck = enabledCheck;
  }

  /**
   * Records one refusal, and writes a line unless one for {@code reason} was written less than
   * the interval ago.
   *
   * @param reason why, from a small fixed set, for example {@code TOO_MANY_FROM_IP}
   * @param remote who was refused: an address or a peer ID
   * @param detail more about this refusal, or null
   */
  public void refused(String reason, Object remote, String detail) {
    if (enabledCheck != null && !enabledCheck.isInfoEnabled()) {
      return;
    }
    String key = reasons.size() >= MAX_REASONS && !reasons.containsKey(reason) ? OTHER : reason;
    Window w = reasons.computeIfAbsent(key, k -> new Window());
    long suppressed;
    synchronized (w) {
      long now = nanoClock.getAsLong();
      if (w.logged && now - w.lastNanos < intervalNanos) {
        w.suppressed++;
        return;
      }
      w.logged = true;
      w.lastNanos = now;
      suppressed = w.suppressed;
      w.suppressed = 0;
    }
    StringBuilder line = new StringBuilder("refused ").append(reason).append(" from ").append(remote);
    if (detail != null) {
      line.append(": ").append(detail);
    }
    if (suppressed > 0) {
      line.append(" (and ").append(suppressed).append(" more since the last such line)");
    }
    sink.accept(line.toString());
  }
}
