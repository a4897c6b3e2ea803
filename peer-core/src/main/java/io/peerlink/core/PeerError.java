package io.peerlink.core;

/**
 * What kind of failure a {@link PeerException} reports. The names follow the seed's PeerError kinds
 * and are what the command-line tool prints as {@code "kind"}.
 */
public enum PeerError {
  /** The transport could not connect (refused, unreachable, DNS failed). Check the address and that the peer is up. */
  CONNECT("connect"),
  /** The security handshake (TLS or Noise) failed, or the remote peer is not the one expected. */
  TLS("tls"),
  /** An operation did not finish within its configured timeout. */
  TIMEOUT("timeout"),
  /** The connection or stream failed after it was established (reset, closed, I/O error). */
  IO("io"),
  /** The remote peer broke a wire protocol rule (malformed or oversized message, unknown frame). */
  PROTOCOL("protocol"),
  /** A configured resource limit was reached, locally or as reported by the remote peer. */
  LIMIT("limit");

  private final String wireName;

  PeerError(String wireName) {
    this.wireName = wireName;
  }

  /** The short lower-case name used in logs and in the command-line tool's JSON output. */
  public String wireName() {
    return wireName;
  }
}
