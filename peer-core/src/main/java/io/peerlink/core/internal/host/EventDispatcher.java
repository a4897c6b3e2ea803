package io.peerlink.core.internal.host;

import io.peerlink.core.internal.SerialExecutor;
import io.peerlink.core.PeerListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@link PeerListener} events on the user's executor, one at a time and in order; a
 * listener that throws is logged and the others still hear the event.
 */
public final class EventDispatcher {
  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  private final List<PeerListener> listeners = new CopyOnWriteArrayList<>();
  private volatile Executor executor;

  /** A dispatcher on {@code executor}, or the common fork-join pool when it is null. */
  public EventDispatcher(Executor executor) {
    executor(executor);
  }

  /** Replaces the executor events run on (null: the common pool). */
  public void executor(Executor executor) {
    this.executor = new SerialExecutor(executor != null ? executor : ForkJoinPool.commonPool());
  }

  /** Adds a listener. */
  public void add(PeerListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener. */
  public void remove(PeerListener listener) {
    listeners.remove(listener);
  }

  /** Whether anyone listens (events are not built when nobody does). */
  public boolean isEmpty() {
    return listeners.isEmpty();
  }

  /** Queues {@code event} for every listener. */
  public void emit(Consumer<PeerListener> event) {
    if (listeners.isEmpty()) {
      return;
    }
    executor.execute(() -> {
      for (PeerListener l : listeners) {
        try {
          event.accept(l);
        } catch (Throwable t) {
          log.warn("PeerListener {} threw; other listeners still run", l, t);
        }
      }
    });
  }
}
