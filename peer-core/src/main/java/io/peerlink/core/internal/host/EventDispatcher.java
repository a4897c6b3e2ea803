package io.peerlink.core.internal.host;

import io.peerlink.core.Direction;
import io.peerlink.core.EventListener;
import io.peerlink.core.internal.SerialExecutor;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a host's events to its {@link EventListener}s: one event at a time, in the order they
 * happened, on the executor the application gave (the common fork-join pool by default), never on
 * an event loop. A listener that throws is logged; the others, and later events, still run.
 *
 * <p>Host events go to every listener. Connection events go to the listener the
 * {@link EventListener.Factory} made for that connection, or to every listener when there is no
 * factory. Listeners and the factory are set while the host is built.
 */
public final class EventDispatcher {
  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  /** Where one connection's events go. */
  @FunctionalInterface
  public interface Scope {
    /**
     * Delivers an event.
     *
     * @param event calls one listener method
     */
    void emit(Consumer<EventListener> event);
  }

  private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
  private volatile EventListener.Factory factory;
  private volatile Executor executor = new SerialExecutor(ForkJoinPool.commonPool());

  /** Sets the executor events run on (null: the common pool). */
  public void executor(Executor executor) {
    this.executor = new SerialExecutor(executor != null ? executor : ForkJoinPool.commonPool());
  }

  /** Adds a listener of every event. */
  public void add(EventListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Sets the factory of per-connection listeners. */
  public void factory(EventListener.Factory factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /** Whether nobody listens (events are not built then). */
  public boolean isEmpty() {
    return listeners.isEmpty() && factory == null;
  }

  /** Delivers a host event to every listener. */
  public void emit(Consumer<EventListener> event) {
    if (listeners.isEmpty()) {
      return;
    }
    executor.execute(() -> {
      for (EventListener l : listeners) {
        deliver(l, event);
      }
    });
  }

  /** The scope for a new connection's events (the factory's listener, or every listener). */
  public Scope forConnection(Direction direction, Multiaddr remote) {
    EventListener.Factory f = factory;
    if (f == null) {
      return this::emit;
    }
    EventListener own;
    try {
      own = Objects.requireNonNull(f.create(direction, remote), "the factory returned null");
    } catch (RuntimeException e) {
      log.warn("event listener factory {} threw; this connection's events go nowhere", f, e);
      return event -> { };
    }
    return event -> executor.execute(() -> deliver(own, event));
  }

  private static void deliver(EventListener l, Consumer<EventListener> event) {
    try {
      event.accept(l);
    } catch (Throwable t) {
      log.warn("event listener {} threw; other listeners and later events still run", l, t);
    }
  }
}
