package io.peerlink.core;

/** An operation (connect, handshake, stream open, request) did not finish within its timeout. */
public class PeerTimeoutException extends PeerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates a timeout failure.
   *
   * @param message the message
   */
  public PeerTimeoutException(String message) {
    super(PeerError.TIMEOUT, message);
  }

  /**
   * Creates a timeout failure with its cause.
   *
   * @param message the message
   * @param cause the underlying failure, or null
   */
  public PeerTimeoutException(String message, Throwable cause) {
    super(PeerError.TIMEOUT, message, cause);
  }
}
