package io.peerlink.core.event;

/**
 * The Circuit Relay v2 status codes (libp2p/specs relay/circuit-v2.md), one constant per wire
 * value: how a relay answers a reservation or circuit request.
 */
public enum RelayStatus {
  /** Field unset (the protobuf default); never sent as an answer. */
  UNUSED(0),
  /** The request succeeded. */
  OK(100),
  /** The relay refused the reservation (limits: total, per IP, or the relay is shutting down). */
  RESERVATION_REFUSED(200),
  /** A circuit limit was reached (total circuits, circuits per peer). */
  RESOURCE_LIMIT_EXCEEDED(201),
  /** The ACL refused the request, or it arrived over a relayed connection. */
  PERMISSION_DENIED(202),
  /** The relay could not reach the target, or the target declined the stop request. */
  CONNECTION_FAILED(203),
  /** The target of a CONNECT holds no reservation on this relay. */
  NO_RESERVATION(204),
  /** The request could not be parsed, or lacked a required field. */
  MALFORMED_MESSAGE(400),
  /** The request was a well-formed message of the wrong type. */
  UNEXPECTED_MESSAGE(401);

  private final int code;

  RelayStatus(int code) {
    this.code = code;
  }

  /** {@return the numeric wire value} */
  public int code() {
    return code;
  }

  /**
   * The constant for a wire value.
   *
   * @param code the wire value
   * @return the constant, or {@code null} for a value this version does not know
   */
  public static RelayStatus fromCode(int code) {
    for (RelayStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return null;
  }
}
