package io.peerlink.core;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A network failure while connecting to or talking with a peer. Every failure peerlink reports from
 * the network is a {@code PeerException}; {@link #kind()} says what failed. Misuse of the API is
 * reported with {@link IllegalArgumentException} or {@link IllegalStateException} instead.
 */
public class PeerException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What failed. */
  private final PeerError kind;

  /**
   * Creates an exception of the given kind.
   *
   * @param kind what failed
   * @param message the message
   */
  public PeerException(PeerError kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * Creates an exception of the given kind with its cause.
   *
   * @param kind what failed
   * @param message the message
   * @param cause the underlying failure, or null
   */
  public PeerException(PeerError kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** {@return what kind of failure this is} */
  public PeerError kind() {
    return kind;
  }

  /**
   * Wraps any throwable as a {@code PeerException}, keeping it if it already is one. Timeouts become
   * {@link PeerError#TIMEOUT}, connection refusals {@link PeerError#CONNECT}, anything else {@code fallback}.
   *
   * @param t the failure
   * @param fallback the kind to use when {@code t} says nothing more specific
   * @return {@code t} itself if it is a {@code PeerException}, else one wrapping it
   */
  public static PeerException wrap(Throwable t, PeerError fallback) {
    Throwable cause = t;
    while ((cause instanceof CompletionException
            || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof PeerException pe) {
      return pe;
    }
    if (cause instanceof ClosedChannelException) {
      // Netty's closed-channel failures carry no message; the reason, when known, is their cause.
      if (cause.getCause() instanceof PeerException pe) {
        return pe;
      }
      return new PeerException(fallback, "the stream or connection was already closed", cause);
    }
    String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    if (cause instanceof TimeoutException
        || cause instanceof ConnectTimeoutException) {
      return new PeerTimeoutException(message, cause);
    }
    if (cause instanceof ConnectException
        || cause instanceof UnknownHostException
        || cause instanceof NoRouteToHostException) {
      return new PeerException(PeerError.CONNECT, message, cause);
    }
    return new PeerException(fallback, message, cause);
  }
}
