package io.peerlink.relay;

import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.relay.internal.client.Circuit;

/**
 * A relay refused a request, or answered it wrongly. {@link #statusCode()} is the Circuit Relay v2
 * status the relay sent (for example 204 {@code NO_RESERVATION}), or 0 when the failure is ours to
 * report (a malformed answer, a voucher that does not verify).
 */
public class RelayException extends PeerException {
  private static final long serialVersionUID = 1L;

  /** The relay's status number, or -1. */
  private final int statusCode;
  /** The relay's status name, or null. */
  private final String statusName;

  /**
   * A failure with the relay's status.
   *
   * @param kind what failed
   * @param message the message
   * @param statusCode the status's number on the wire
   * @param statusName the status's name
   */
  public RelayException(PeerError kind, String message, int statusCode, String statusName) {
    super(kind, message);
    this.statusCode = statusCode;
    this.statusName = statusName;
  }

  /**
   * A failure without a status from the relay.
   *
   * @param kind what failed
   * @param message the message
   * @param cause the underlying failure, or null
   */
  public RelayException(PeerError kind, String message, Throwable cause) {
    super(kind, message, cause);
    this.statusCode = 0;
    this.statusName = null;
  }

  /** {@return the relay's status code (100 OK … 401 UNEXPECTED_MESSAGE), or 0 if the relay sent none} */
  public int statusCode() {
    return statusCode;
  }

  /** {@return the status's name, such as {@code "NO_RESERVATION"}, or null if the relay sent none} */
  public String statusName() {
    return statusName;
  }
}
