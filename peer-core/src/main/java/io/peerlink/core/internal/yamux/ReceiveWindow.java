package io.peerlink.core.internal.yamux;

/**
 * Receive-side flow control of one stream: how much the remote may still send ({@link #credit()}),
 * how much has been consumed but not yet granted back, and the window size, which auto-tuning
 * grows. Not thread-safe; used on the stream's event loop.
 *
 * <p>Updates are batched as go-yamux does: a window update is due once at least half the window has
 * been consumed (or when one must be sent anyway, to ACK). If that happens within four round trips
 * of the previous update, the reader is faster than the window lets the remote send, so the window
 * doubles, up to the configured maximum (go and js do the same), as far as its {@link Growth} allows
 * (the connection's {@link WindowBudget} and the resource scopes).
 *
 * <p>The window is the bound on what the stream buffers: bytes received and not yet consumed never
 * exceed it, because the remote may send only {@link #credit()} and credit comes back only for
 * consumed bytes. A data frame may be as large as the credit (js-libp2p sends frames the size of the
 * whole window); a larger one is a protocol violation.
 */
final class ReceiveWindow {

  /** Where a window's growth beyond its initial size is reserved, and given back. */
  interface Growth {
    /** Reserves up to {@code wanted} bytes; returns how many were reserved (0 if none may be). */
    long reserve(long wanted);

    /** Gives back {@code bytes} reserved earlier. */
    void release(long bytes);
  }

  private final int maxWindow;
  private final int initialWindow;
  private final Growth budget;
  private int window;
  private long credit;
  private long pending;
  private long epochStartNanos;

  /**
   * @param initialWindow the window this side grants
   * @param maxWindow the most auto-tuning may grow it to
   * @param budget where growth beyond {@code initialWindow} is reserved
   * @param grantedAtOpen true for an outbound stream (the SYN grants the whole initial window);
   *     false for an inbound one (the remote may send 256 KiB until our ACK grants the rest)
   */
  ReceiveWindow(int initialWindow, int maxWindow, Growth budget, boolean grantedAtOpen, long nowNanos) {
    this.maxWindow = maxWindow;
    this.initialWindow = initialWindow;
    this.budget = budget;
    this.window = initialWindow;
    this.credit = grantedAtOpen ? initialWindow : YamuxConfig.SPEC_INITIAL_WINDOW;
    this.pending = grantedAtOpen ? 0 : initialWindow - YamuxConfig.SPEC_INITIAL_WINDOW;
    this.epochStartNanos = nowNanos;
  }

  /** Accounts for {@code bytes} received; false if that overruns what the remote was granted. */
  boolean onReceived(long bytes) {
    if (bytes > credit) {
      return false;
    }
    credit -= bytes;
    return true;
  }

  /** Accounts for {@code bytes} consumed (delivered or discarded), to be granted back. */
  void onConsumed(long bytes) {
    pending += bytes;
  }

  /**
   * Returns the delta of the window update to send now, or -1 if none is due. With {@code force}
   * (an ACK must go out) an update is always returned, possibly with delta 0, and the window is not
   * grown.
   */
  long takeUpdate(boolean force, long rttNanos, long nowNanos) {
    if (!force && pending < window / 2) {
      return -1;
    }
    if (!force && rttNanos > 0 && nowNanos - epochStartNanos < 4 * rttNanos && window < maxWindow) {
      long growth = budget.reserve(Math.min((long) window * 2, maxWindow) - window);
      pending += growth;
      window += (int) growth;
    }
    epochStartNanos = nowNanos;
    long delta = pending;
    credit += delta;
    pending = 0;
    return delta;
  }

  /** Gives the growth back; called once, when the stream closes. */
  void releaseGrowth() {
    budget.release(window - initialWindow);
  }

  /** The current window size in bytes. */
  int window() {
    return window;
  }

  /** Bytes the remote may still send. */
  long credit() {
    return credit;
  }
}
