package io.peerlink.core.internal.yamux;

import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;

/**
 * A yamux stream was reset (RST) by the remote or locally. Pending writes on the stream fail with it,
 * and a remote reset is fired once through the stream channel's {@code exceptionCaught}. Kind
 * {@link PeerError#IO}.
 */
public final class StreamResetException extends PeerException {
  private static final long serialVersionUID = 1L;

  private final long streamId;
  private final boolean remote;
  private final long errorCode;

  /**
   * @param streamId the stream that was reset
   * @param remote whether the remote sent the RST
   * @param errorCode the error code carried in a window update RST's length (0 if none)
   */
  public StreamResetException(long streamId, boolean remote, long errorCode) {
    super(PeerError.IO, "yamux stream " + streamId + " reset by " + (remote ? "remote" : "local")
        + (errorCode != 0 ? " (code " + errorCode + ")" : ""));
    this.streamId = streamId;
    this.remote = remote;
    this.errorCode = errorCode;
  }

  /** The reset stream's ID. */
  public long streamId() {
    return streamId;
  }

  /** Whether the remote reset the stream. */
  public boolean isRemote() {
    return remote;
  }

  /** The error code of the RST frame (0 when none was given). */
  public long errorCode() {
    return errorCode;
  }
}
