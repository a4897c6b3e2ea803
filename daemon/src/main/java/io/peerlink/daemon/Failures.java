package io.peerlink.daemon;

import io.peerlink.relay.RelayException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns a failure into the text of an ERROR response: the cause's message, with a relay's status. */
final class Failures {
  private Failures() {}

  /**
   * The message for a client. A relay's refusal always names its status (such as
   * {@code NO_RESERVATION}), which clients match on.
   *
   * @param t the failure, possibly wrapped by a future
   * @return a one-line message
   */
  static String message(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof TimeoutException) {
      return "timed out";
    }
    String msg = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof RelayException relay && relay.statusName() != null && !msg.contains(relay.statusName())) {
        msg = msg + " (" + relay.statusName() + ")";
      }
    }
    return msg;
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
