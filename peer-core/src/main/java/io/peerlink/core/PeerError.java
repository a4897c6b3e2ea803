package io.peerlink.core;

/**
 * What kind of failure a {@link PeerException} reports. The names are what the command-line tool
 * prints as {@code "kind"}.
 */
public enum PeerError {
  /** The transport could not connect (refused, unreachable, DNS failed). Check the address and that the peer is up. */
  CONNECT("connect"),
  /**
   * The security handshake (TLS or Noise) failed, or the remote peer is not the one expected. Check
   * the {@code /p2p/...} part of the address; not retried, since retrying cannot fix it.
   */
  TLS("tls"),
  /**
   * An operation did not finish within its configured timeout. The message names the
   * {@link PeerConfig} field to raise if the link is merely slow.
   */
  TIMEOUT("timeout"),
  /**
   * The connection or stream failed after it was established (reset, closed, I/O error), or the
   * remote closed it during the handshake (which is also how a {@link Listener} refuses a
   * connection over its {@link ListenerLimits}). Connect again; a {@link DialPolicy} retries it.
   */
  IO("io"),
  /**
   * The remote peer broke a wire protocol rule (malformed or oversized message, unknown frame), or
   * supports none of the protocols offered. Not retried.
   */
  PROTOCOL("protocol"),
  /**
   * A configured resource limit was reached, locally or as reported by the remote peer; the message
   * names the limit (for example {@code PeerConfig.maxMessageSize}, {@code PeerPool maxPeers}).
   * Raise it, or wait for load to fall.
   */
  LIMIT("limit");

  private final String wireName;

  PeerError(String wireName) {
    this.wireName = wireName;
  }

  /** {@return the short lower-case name used in logs and in the command-line tool's JSON output} */
  public String wireName() {
    return wireName;
  }
}
