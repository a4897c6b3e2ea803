package io.peerlink.relay.internal.circuit;

import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.event.RelayStatus;

/**
 * A hop or stop message could not be read: oversized, truncated framing, or not a valid protobuf.
 * {@link #status()} is the status a relay answers with ({@link RelayStatus#MALFORMED_MESSAGE}).
 */
public final class CircuitMessageException extends ProtocolViolationException {
  private static final long serialVersionUID = 1L;

  private final RelayStatus status;

  public CircuitMessageException(RelayStatus status, String message) {
    super(message);
    this.status = status;
  }

  public CircuitMessageException(RelayStatus status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The status to answer the peer with. */
  public RelayStatus status() {
    return status;
  }
}
