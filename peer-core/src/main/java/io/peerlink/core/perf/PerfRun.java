package io.peerlink.core.perf;

import java.util.concurrent.CompletableFuture;

/**
 * One perf run in progress, started by {@link Perf#start}. The byte counters may be read from any
 * thread while the run goes on, for example once a second to report progress.
 */
public interface PerfRun {

  /** {@return bytes of the upload handed to the stream so far (the 8-byte header not counted)} */
  long uploadedBytes();

  /** {@return bytes received from the server so far} */
  long downloadedBytes();

  /**
   * Completes, on the connection's event loop, once the server ended the stream after sending
   * exactly the bytes asked for. Fails with a {@link io.peerlink.core.PeerException}: a
   * {@link io.peerlink.core.ProtocolViolationException} when the server sent more or fewer bytes, a
   * {@link io.peerlink.core.PeerTimeoutException} after {@link PerfConfig#idleTimeout()} without
   * progress, or of kind {@link io.peerlink.core.PeerError#IO} when the stream was reset or the
   * connection closed. Cancelling it resets the stream.
   *
   * @return the run's result
   */
  CompletableFuture<PerfResult> result();
}
