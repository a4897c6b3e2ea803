package io.peerlink.core.internal.yamux;

import io.peerlink.core.internal.resource.StreamScope;

/**
 * A stream's window growth, reserved from the connection's {@link WindowBudget} and from the
 * stream's resource scopes (within half of each, so growth never takes what new streams need).
 * Used on the stream's event loop.
 */
final class ScopedGrowth implements ReceiveWindow.Growth {
  private final WindowBudget budget;
  private final StreamScope scope;

  ScopedGrowth(WindowBudget budget, StreamScope scope) {
    this.budget = budget;
    this.scope = scope;
  }

  @Override
  public long reserve(long wanted) {
    long granted = budget.reserve(wanted);
    if (granted > 0 && !scope.tryReserveWindowGrowth(granted)) {
      budget.release(granted);
      return 0;
    }
    return granted;
  }

  @Override
  public void release(long bytes) {
    budget.release(bytes);
    scope.releaseMemory(bytes);
  }
}
