package io.peerlink.relay.server;

import io.peerlink.relay.internal.circuit.RelayStatus;
import java.time.Duration;

/**
 * Relay events for metrics. Every method has a no-op default. Called on connection event loops,
 * possibly concurrently: implementations must be thread-safe, quick and never block (counters and
 * gauges, not I/O). Gauges of live reservations and circuits are best read from
 * {@link RelayServer#reservations()} and {@link RelayServer#circuits()} sizes.
 */
public interface RelayMetrics {

  /** Does nothing. */
  RelayMetrics NONE = new RelayMetrics() {};

  /** The kind of hop request. */
  enum Request {
    /** A RESERVE. */
    RESERVE,
    /** A CONNECT. */
    CONNECT,
    /** A request that could not be parsed, or a STATUS sent as a request. */
    INVALID
  }

  /**
   * A hop request was answered with {@code status} (OK or a refusal).
   *
   * @param request the kind of request
   * @param status the status answered
   */
  default void requestHandled(Request request, RelayStatus status) {}

  /**
   * A reservation was granted; {@code renewal} when it refreshed one the peer held.
   *
   * @param renewal whether it refreshed a held reservation
   */
  default void reservationGranted(boolean renewal) {}

  /**
   * {@code count} reservations ended (expired, the peer disconnected, or the relay stopped).
   *
   * @param count how many ended
   */
  default void reservationsEnded(int count) {}

  /** A circuit was spliced and bytes began to flow. */
  default void circuitOpened() {}

  /**
   * A circuit ended after {@code lifetime}, for reason {@code end}.
   *
   * @param lifetime how long it was open
   * @param end why it ended
   */
  default void circuitClosed(Duration lifetime, CircuitEnd end) {}

  /**
   * {@code bytes} were relayed in one direction of some circuit.
   *
   * @param bytes how many bytes
   */
  default void bytesRelayed(int bytes) {}

  /**
   * A handshake failed before a status could be given or after it was: {@code stage} is one of
   * {@code "hop-timeout"} (no request within the stream timeout), {@code "stop-open"} (the stop
   * stream to the target could not be opened), {@code "stop-handshake"} (the target did not answer
   * OK in time or at all), {@code "response-write"} (the answer to the client could not be written).
   *
   * @param stage where it failed
   */
  default void handshakeFailed(String stage) {}
}
