package io.peerlink.core.internal.yamux;

/** The error code carried by a yamux go away frame. */
public enum GoAwayCode {
  /** The session is ending normally. */
  NORMAL(0),
  /** The remote broke the protocol. */
  PROTOCOL_ERROR(1),
  /** The sender hit an internal error. */
  INTERNAL_ERROR(2);

  private final int code;

  GoAwayCode(int code) {
    this.code = code;
  }

  /** The wire value. */
  public int code() {
    return code;
  }

  /** The code for a wire value, or {@code null} if it is not one of the defined codes. */
  public static GoAwayCode of(long code) {
    for (GoAwayCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
