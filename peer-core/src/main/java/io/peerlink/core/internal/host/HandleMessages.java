package io.peerlink.core.internal.host;

import io.peerlink.core.MessageHandler;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The message API of a peer's handle over all of its connections. Sending goes through the
 * selected connection (the handle picks it); here are the two ways of receiving. A handler set
 * with {@code onMessage} is set on every connection, present and future, and is given the handle
 * as the sender. A {@code receive()} waits on every connection at once and takes the first
 * message; one that loses the race (it arrived on another connection in the same instant) is kept
 * for the next {@code receive()}, so none is lost.
 */
final class HandleMessages {
  private final PeerHandleImpl handle;
  private volatile MessageHandler handler;
  private final ArrayDeque<byte[]> early = new ArrayDeque<>(); // guarded by this
  private final List<CompletableFuture<byte[]>> receiving = new ArrayList<>(); // guarded by this

  HandleMessages(PeerHandleImpl handle) {
    this.handle = handle;
  }

  /** A connection joined the handle: it gets the handler, and waiting receives listen on it. */
  void attach(PeerConnection connection) {
    MessageHandler h = handler;
    if (h != null) {
      connection.onMessage(forHandle(h));
    }
    List<CompletableFuture<byte[]>> waiting;
    synchronized (this) {
      waiting = List.copyOf(receiving);
    }
    waiting.forEach(r -> listen(connection, r));
  }

  void onMessage(MessageHandler h) {
    this.handler = h;
    MessageHandler own = h == null ? null : forHandle(h);
    handle.openConnections().forEach(c -> c.onMessage(own));
  }

  CompletableFuture<byte[]> receive() {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    synchronized (this) {
      byte[] next = early.poll();
      if (next != null) {
        result.complete(next);
        return result;
      }
      receiving.add(result);
    }
    result.whenComplete((m, e) -> {
      synchronized (this) {
        receiving.remove(result);
      }
    });
    List<PeerConnection> connections = handle.openConnections();
    if (connections.isEmpty() && !handle.isOpen()) {
      result.completeExceptionally(closedError());
    }
    connections.forEach(c -> listen(c, result));
    return result;
  }

  /** The handle closed: whoever waits fails. */
  void closed() {
    List<CompletableFuture<byte[]>> waiting;
    synchronized (this) {
      waiting = List.copyOf(receiving);
    }
    waiting.forEach(r -> r.completeExceptionally(closedError()));
  }

  private void listen(PeerConnection connection, CompletableFuture<byte[]> result) {
    CompletableFuture<byte[]> one = connection.receive();
    // Once the result is taken, stop waiting here (the connection then keeps its messages queued).
    result.whenComplete((m, e) -> one.cancel(false));
    one.whenComplete((message, error) -> {
      if (message != null && !result.complete(message)) {
        synchronized (this) {
          early.add(message);
        }
      }
      // A connection that closes ends only its own wait: the others, or the next connection, may
      // still deliver; the handle closing fails the result.
    });
  }

  private MessageHandler forHandle(MessageHandler h) {
    return (connection, message) -> h.onMessage(handle, message);
  }

  private PeerException closedError() {
    return new PeerException(PeerError.IO, "the handle of " + handle.peerId() + " is closed; connect again");
  }
}
