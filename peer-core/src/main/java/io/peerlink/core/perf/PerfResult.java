package io.peerlink.core.perf;

import java.time.Duration;
import java.util.Objects;

/**
 * What one perf run moved and how long it took, as the client saw it.
 *
 * <p>The server starts answering only once it has read the whole upload, so the first downloaded
 * byte (or the server's end of stream, when nothing was asked for) marks the upload as delivered.
 *
 * @param uploadBytes bytes the client sent after the 8-byte header
 * @param downloadBytes bytes the server sent back (always the number asked for)
 * @param uploadTime from just before the stream was opened (its protocol negotiation included)
 *     until the server started answering
 * @param downloadTime from then until the server's end of stream
 */
public record PerfResult(long uploadBytes, long downloadBytes, Duration uploadTime, Duration downloadTime) {

  /**
   * Checks the values.
   *
   * @param uploadBytes bytes the client sent after the 8-byte header
   * @param downloadBytes bytes the server sent back
   * @param uploadTime until the server started answering
   * @param downloadTime from then until the server's end of stream
   */
  public PerfResult {
    if (uploadBytes < 0 || downloadBytes < 0) {
      throw new IllegalArgumentException("byte counts must be >= 0");
    }
    Objects.requireNonNull(uploadTime, "uploadTime");
    Objects.requireNonNull(downloadTime, "downloadTime");
  }

  /** {@return the whole run, stream opening to the server's end of stream} */
  public Duration totalTime() {
    return uploadTime.plus(downloadTime);
  }
}
