package io.peerlink.daemon;

import java.time.Duration;
import java.util.Objects;

/**
 * What the daemon lets its control clients hold: every field bounds memory or work that a local
 * program (or a buggy one) can make the daemon keep. Immutable; {@link #DEFAULTS} holds the
 * defaults, and the {@code with*} methods return changed copies.
 *
 * @param maxMessageBytes the largest control message accepted or sent, in bytes, checked against
 *     the length prefix before anything is buffered. Default 4 MiB: go-libp2p-daemon's limit, and
 *     far above any request a client sends (a DHT PUT_VALUE record is the largest)
 * @param maxControlConnections control connections open at once. Each request opens one, and each
 *     open stream (STREAM_OPEN, or an inbound stream dialled back to a handler) keeps one open, so
 *     this also caps the streams clients hold. Default 512
 * @param maxHandlers stream handlers registered at once (one per protocol; registering a protocol
 *     again replaces its address). Default 256
 * @param maxStreamsPerHandler inbound streams piped to one handler address at once; streams beyond
 *     it are reset. Default 256: the same order as a peer's default stream limit
 * @param defaultRequestTimeout how long CONNECT, STREAM_OPEN and TRIM may take when the request
 *     carries no timeout (0), as in go-libp2p-daemon. Default 60 s
 * @param handlerDialTimeout how long dialling back a handler's address may take before the inbound
 *     stream is reset and the handler dropped (its client is gone). Default 10 s
 */
public record ControlLimits(
    int maxMessageBytes,
    int maxControlConnections,
    int maxHandlers,
    int maxStreamsPerHandler,
    Duration defaultRequestTimeout,
    Duration handlerDialTimeout) {

  /** The defaults named on each field. */
  public static final ControlLimits DEFAULTS =
      new ControlLimits(4 << 20, 512, 256, 256, Duration.ofSeconds(60), Duration.ofSeconds(10));

  /**
   * Checks that every count, size and duration is positive.
   *
   * @param maxMessageBytes see the record
   * @param maxControlConnections see the record
   * @param maxHandlers see the record
   * @param maxStreamsPerHandler see the record
   * @param defaultRequestTimeout see the record
   * @param handlerDialTimeout see the record
   */
  public ControlLimits {
    positive("maxMessageBytes", maxMessageBytes);
    positive("maxControlConnections", maxControlConnections);
    positive("maxHandlers", maxHandlers);
    positive("maxStreamsPerHandler", maxStreamsPerHandler);
    positive("defaultRequestTimeout", defaultRequestTimeout);
    positive("handlerDialTimeout", handlerDialTimeout);
  }

  /**
   * A copy with another message size limit.
   *
   * @param v bytes
   * @return the copy
   */
  public ControlLimits withMaxMessageBytes(int v) {
    return new ControlLimits(v, maxControlConnections, maxHandlers, maxStreamsPerHandler,
        defaultRequestTimeout, handlerDialTimeout);
  }

  /**
   * A copy with another control connection limit.
   *
   * @param v connections
   * @return the copy
   */
  public ControlLimits withMaxControlConnections(int v) {
    return new ControlLimits(maxMessageBytes, v, maxHandlers, maxStreamsPerHandler,
        defaultRequestTimeout, handlerDialTimeout);
  }

  /**
   * A copy with another handler limit.
   *
   * @param v handlers
   * @return the copy
   */
  public ControlLimits withMaxHandlers(int v) {
    return new ControlLimits(maxMessageBytes, maxControlConnections, v, maxStreamsPerHandler,
        defaultRequestTimeout, handlerDialTimeout);
  }

  /**
   * A copy with another limit of streams per handler.
   *
   * @param v streams
   * @return the copy
   */
  public ControlLimits withMaxStreamsPerHandler(int v) {
    return new ControlLimits(maxMessageBytes, maxControlConnections, maxHandlers, v,
        defaultRequestTimeout, handlerDialTimeout);
  }

  /**
   * The timeout a request asked for, or the default when it asked for none.
   *
   * @param requestedSeconds the request's {@code timeout} field, in seconds; 0 or less means none
   * @return the timeout to apply
   */
  public Duration timeout(long requestedSeconds) {
    return requestedSeconds > 0 ? Duration.ofSeconds(requestedSeconds) : defaultRequestTimeout;
  }

  private static void positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + v);
    }
  }

  private static void positive(String name, Duration v) {
    Objects.requireNonNull(v, name);
    if (v.isNegative() || v.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + v);
    }
  }
}
