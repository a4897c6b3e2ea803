package io.peerlink.relay.internal.client;

import io.peerlink.core.PeerError;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.relay.RelayException;

/** Turns a relay's refusal into a {@link RelayException} whose kind says what to do about it. */
public final class Statuses {
  private Statuses() {}

  /** {@code code}: the wire status value ({@code getStatusValue()}, safe for unknown values). */
  public static RelayException refusal(String what, int code) {
    RelayStatus status = RelayStatus.fromCode(code);
    String name = status == null ? "UNKNOWN" : status.name();
    PeerError kind = status == null ? PeerError.PROTOCOL : switch (status) {
      case RESERVATION_REFUSED, RESOURCE_LIMIT_EXCEEDED -> PeerError.LIMIT;
      case PERMISSION_DENIED, CONNECTION_FAILED, NO_RESERVATION -> PeerError.CONNECT;
      default -> PeerError.PROTOCOL;
    };
    return new RelayException(kind, what + " refused by the relay: " + name + " (" + code + ")",
        code, name);
  }
}
