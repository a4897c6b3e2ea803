package io.peerlink.core;

/**
 * A resource limit was reached: too many streams, a message over its size bound, a rate limit.
 * The message names the limit and its configured value. Kind {@link PeerError#LIMIT}.
 */
public class LimitExceededException extends PeerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates a limit failure.
   *
   * @param message the message
   */
  public LimitExceededException(String message) {
    super(PeerError.LIMIT, message);
  }
}
