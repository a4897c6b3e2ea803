package io.peerlink.core.internal.yamux;

/**
 * The receive-window growth one connection's streams may take together
 * ({@link YamuxConfig#maxConnectionWindowGrowth()}). Auto-tuning grows a stream's window only with
 * bytes reserved here, and a stream gives its growth back when it closes, so the bytes a remote can
 * make one connection buffer stay below {@code maxConcurrentStreams × initialStreamWindow} plus this
 * budget. Not thread-safe; used on the connection's event loop.
 */
final class WindowBudget implements ReceiveWindow.Growth {

  private final long limit;
  private long reserved;

  WindowBudget(long limit) {
    this.limit = limit;
  }

  /** Reserves up to {@code wanted} bytes; returns how many were reserved (0 when the budget is spent). */
  @Override
  public long reserve(long wanted) {
    long granted = Math.max(0, Math.min(wanted, limit - reserved));
    reserved += granted;
    return granted;
  }

  /** Gives back {@code bytes} reserved earlier. */
  @Override
  public void release(long bytes) {
    reserved -= bytes;
  }

  /** Bytes reserved now. */
  long reserved() {
    return reserved;
  }
}
