package io.peerlink.core.internal.mplex;

/**
 * The bounds of one mplex session.
 *
 * @param maxFrameSize largest message accepted and sent, in bytes; the spec's reference (go) uses
 *     1 MiB, and a longer length prefix fails the connection before its body is buffered
 * @param maxStreams streams open at once, both directions; a NewStream over it is answered with
 *     a reset and opening one fails
 * @param maxBufferedBytes unread bytes one stream may hold: mplex has no flow control, so a stream
 *     whose reader falls this far behind is reset (go resets a stream whose buffer stays full)
 */
public record MplexConfig(int maxFrameSize, int maxStreams, int maxBufferedBytes) {
  /** The spec's message bound (go-mplex's {@code MaxMessageSize}). */
  public static final int DEFAULT_MAX_FRAME_SIZE = 1 << 20;

  public MplexConfig {
    if (maxFrameSize < 1 || maxStreams < 1 || maxBufferedBytes < 1) {
      throw new IllegalArgumentException("mplex bounds must be positive: " + maxFrameSize + ", "
          + maxStreams + ", " + maxBufferedBytes);
    }
  }
}
