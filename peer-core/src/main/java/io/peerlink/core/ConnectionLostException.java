package io.peerlink.core;

/**
 * The connection to a peer ended while a stream, a message or a request on it was still under way,
 * without the peer ending it: the remote process was killed or crashed, its host or network went
 * away, or something between reset the connection. Kind {@link PeerError#IO}.
 *
 * <p>It is what pending stream writes fail with, what a stream's pipeline sees once through
 * {@code exceptionCaught} (before its {@code channelInactive}), and what {@link Peer#send},
 * {@link Peer#ping} and similar futures fail with when the connection ends under them. The message
 * says how the connection ended (closed without a stream end, or reset). What the peer received of
 * an unfinished transfer is unknown: connect again (a {@link DialPolicy} retries the dial) and redo
 * the transfer, or resume it if the protocol allows.
 *
 * <p>A stream the remote resets on purpose (a yamux RST) is reported as a plain
 * {@link PeerException} of kind {@link PeerError#IO} naming the reset; a connection this side
 * closed fails its open streams with a plain {@link PeerException} too.
 */
public class ConnectionLostException extends PeerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the failure.
   *
   * @param message what ended, how, and what to do
   * @param cause the transport error that ended the connection (for example "Connection reset by
   *     peer"), or null when the remote simply closed it
   */
  public ConnectionLostException(String message, Throwable cause) {
    super(PeerError.IO, message, cause);
  }
}
