package io.peerlink.core;

/**
 * The remote peer broke a wire rule: a malformed or oversized message, an unknown frame type, a
 * message out of order. The stream or connection it arrived on is closed. Kind {@link PeerError#PROTOCOL}.
 */
public class ProtocolViolationException extends PeerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates a protocol failure.
   *
   * @param message the message
   */
  public ProtocolViolationException(String message) {
    super(PeerError.PROTOCOL, message);
  }

  /**
   * Creates a protocol failure with its cause.
   *
   * @param message the message
   * @param cause the underlying failure, or null
   */
  public ProtocolViolationException(String message, Throwable cause) {
    super(PeerError.PROTOCOL, message, cause);
  }
}
