package io.peerlink.core;

/**
 * The security handshake (TLS 1.3 or Noise) failed: a bad certificate or signature, an unexpected
 * peer ID, no common security protocol. Kind {@link PeerError#TLS}. If the peer ID does not match,
 * check the {@code /p2p/...} part of the address you dialed.
 */
public class HandshakeException extends PeerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates a handshake failure.
   *
   * @param message the message
   */
  public HandshakeException(String message) {
    super(PeerError.TLS, message);
  }

  /**
   * Creates a handshake failure with its cause.
   *
   * @param message the message
   * @param cause the underlying failure, or null
   */
  public HandshakeException(String message, Throwable cause) {
    super(PeerError.TLS, message, cause);
  }
}
