package io.peerlink.relay.server;

import io.peerlink.relay.internal.circuit.CircuitLimit;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import java.time.Duration;
import java.util.Objects;

/**
 * The relay's resource limits: how many reservations and circuits it holds, and how long and how
 * much each circuit may carry. Immutable; build with {@link #builder()}, validated in
 * {@link Builder#build()}. Defaults follow go-libp2p's circuitv2 {@code DefaultResources()} where
 * it has one.
 *
 * <p>For the count limits and the two per-circuit limits, 0 means unlimited. {@link #unlimited()}
 * is a preset for private deployments that relay trusted traffic (all counts and circuit limits
 * off, so application protocols can run over the relay).
 *
 * <p><b>Circuits: total and per peer.</b> go-libp2p's {@code MaxCircuits} (16) counts the circuits
 * a single peer takes part in, as source or as target, and go has no total of its own (its resource
 * manager bounds the service as a whole). Here {@link #maxCircuitsPerPeer()} is go's meaning with
 * go's default, and {@link #maxCircuits()} is a separate relay-wide total, so one relay's memory
 * (two streams and their windows per circuit) has a bound an operator can size.
 */
public final class RelayLimiter {

  private static final RelayLimiter DEFAULTS = builder().build();

  private final int maxReservations;
  private final int maxReservationsPerIp;
  private final int maxCircuits;
  private final int maxCircuitsPerPeer;
  private final Duration reservationTtl;
  private final Duration maxCircuitDuration;
  private final long maxCircuitData;
  private final int maxMessageSize;
  private final Duration streamTimeout;
  private final Duration connectTimeout;
  private final Duration stopHandshakeTimeout;
  private final Duration limitFlushTimeout;
  private final Duration reservationSweepInterval;

  private RelayLimiter(Builder b) {
    maxReservations = b.maxReservations;
    maxReservationsPerIp = b.maxReservationsPerIp;
    maxCircuits = b.maxCircuits;
    maxCircuitsPerPeer = b.maxCircuitsPerPeer;
    reservationTtl = b.reservationTtl;
    maxCircuitDuration = b.maxCircuitDuration;
    maxCircuitData = b.maxCircuitData;
    maxMessageSize = b.maxMessageSize;
    streamTimeout = b.streamTimeout;
    connectTimeout = b.connectTimeout;
    stopHandshakeTimeout = b.stopHandshakeTimeout;
    limitFlushTimeout = b.limitFlushTimeout;
    reservationSweepInterval = b.reservationSweepInterval;
  }

  /** {@return the defaults (go-libp2p's where it has one)} */
  public static RelayLimiter defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The "unlimited relay" preset for private deployments: no cap on reservations or circuits (in
   * total, per IP or per peer) and no duration or data limit per circuit. Timeouts and the message
   * size keep their defaults. Do not expose such a relay to the public internet.
   *
   * @return the preset
   */
  public static RelayLimiter unlimited() {
    return builder()
        .maxReservations(0)
        .maxReservationsPerIp(0)
        .maxCircuits(0)
        .maxCircuitsPerPeer(0)
        .maxCircuitDuration(Duration.ZERO)
        .maxCircuitData(0)
        .build();
  }

  /** {@return a builder holding this limiter's values} */
  public Builder toBuilder() {
    return new Builder()
        .maxReservations(maxReservations)
        .maxReservationsPerIp(maxReservationsPerIp)
        .maxCircuits(maxCircuits)
        .maxCircuitsPerPeer(maxCircuitsPerPeer)
        .reservationTtl(reservationTtl)
        .maxCircuitDuration(maxCircuitDuration)
        .maxCircuitData(maxCircuitData)
        .maxMessageSize(maxMessageSize)
        .streamTimeout(streamTimeout)
        .connectTimeout(connectTimeout)
        .stopHandshakeTimeout(stopHandshakeTimeout)
        .limitFlushTimeout(limitFlushTimeout)
        .reservationSweepInterval(reservationSweepInterval);
  }

  /**
   * Most reservations held at once; default 128; 0 = unlimited. Beyond it: RESERVATION_REFUSED.
   *
   * @return the most reservations
   */
  public int maxReservations() {
    return maxReservations;
  }

  /**
   * Most reservations from one IP address; default 8; 0 = unlimited. Beyond it: RESERVATION_REFUSED.
   *
   * @return the most reservations per IP address
   */
  public int maxReservationsPerIp() {
    return maxReservationsPerIp;
  }

  /**
   * Most circuits open at once, relay-wide; default 1024; 0 = unlimited. Beyond it: RESOURCE_LIMIT_EXCEEDED.
   *
   * @return the most circuits
   */
  public int maxCircuits() {
    return maxCircuits;
  }

  /**
   * Most circuits one peer takes part in, as source or target (go's {@code MaxCircuits}); default
   * 16; 0 = unlimited. Beyond it: RESOURCE_LIMIT_EXCEEDED.
   *
   * @return the most circuits per peer
   */
  public int maxCircuitsPerPeer() {
    return maxCircuitsPerPeer;
  }

  /** {@return how long a reservation lasts unless refreshed by a new RESERVE; default 1 h; must be at least 1 s} */
  public Duration reservationTtl() {
    return reservationTtl;
  }

  /**
   * How long a circuit may stay open before both ends are reset; default 2 min; 0 = unlimited. Sent to clients in whole seconds.
   *
   * @return the circuit duration limit
   */
  public Duration maxCircuitDuration() {
    return maxCircuitDuration;
  }

  /**
   * Bytes a circuit may carry in <em>each</em> direction; default 131072 (128 KiB); 0 = unlimited.
   * The byte that would exceed it is not forwarded: both ends are reset instead.
   *
   * @return the data limit per direction, in bytes
   */
  public long maxCircuitData() {
    return maxCircuitData;
  }

  /** {@return largest hop/stop message accepted, in bytes; default and maximum 4096} */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /** {@return time a client has to send its hop request after opening the stream; default 1 min (go's StreamTimeout)} */
  public Duration streamTimeout() {
    return streamTimeout;
  }

  /** {@return time to open the stop stream to a CONNECT's target; default 30 s (go's ConnectTimeout)} */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** {@return time the target has to answer the stop CONNECT; default 1 min (go's HandshakeTimeout)} */
  public Duration stopHandshakeTimeout() {
    return stopHandshakeTimeout;
  }

  /**
   * When a data limit ends a circuit, how long the bytes up to the limit may take to drain before
   * both ends are reset regardless; default 10 s.
   *
   * @return the flush timeout
   */
  public Duration limitFlushTimeout() {
    return limitFlushTimeout;
  }

  /**
   * How often expired reservations are swept; default 1 min (go's gc ticker). Expired reservations are refused at once regardless.
   *
   * @return the sweep interval
   */
  public Duration reservationSweepInterval() {
    return reservationSweepInterval;
  }

  /** {@return the limit sent to clients in RESERVE and CONNECT answers and in the stop CONNECT} */
  CircuitLimit circuitLimit() {
    return new CircuitLimit(maxCircuitDuration.toSeconds(), maxCircuitData);
  }

  @Override
  public String toString() {
    return "RelayLimiter{maxReservations=" + maxReservations
        + ", maxReservationsPerIp=" + maxReservationsPerIp
        + ", maxCircuits=" + maxCircuits
        + ", maxCircuitsPerPeer=" + maxCircuitsPerPeer
        + ", reservationTtl=" + reservationTtl
        + ", maxCircuitDuration=" + maxCircuitDuration
        + ", maxCircuitData=" + maxCircuitData
        + ", maxMessageSize=" + maxMessageSize
        + ", streamTimeout=" + streamTimeout
        + ", connectTimeout=" + connectTimeout
        + ", stopHandshakeTimeout=" + stopHandshakeTimeout
        + ", limitFlushTimeout=" + limitFlushTimeout
        + ", reservationSweepInterval=" + reservationSweepInterval + '}';
  }

  /** Builds a {@link RelayLimiter}; setters take any value, {@link #build()} checks them. */
  public static final class Builder {
    private int maxReservations = 128;
    private int maxReservationsPerIp = 8;
    private int maxCircuits = 1024;
    private int maxCircuitsPerPeer = 16;
    private Duration reservationTtl = Duration.ofHours(1);
    private Duration maxCircuitDuration = Duration.ofMinutes(2);
    private long maxCircuitData = 128 * 1024;
    private int maxMessageSize = CircuitMessages.MAX_MESSAGE_SIZE;
    private Duration streamTimeout = Duration.ofMinutes(1);
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration stopHandshakeTimeout = Duration.ofMinutes(1);
    private Duration limitFlushTimeout = Duration.ofSeconds(10);
    private Duration reservationSweepInterval = Duration.ofMinutes(1);

    private Builder() {}

    /**
     * See {@link RelayLimiter#maxReservations()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxReservations(int v) {
      maxReservations = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#maxReservationsPerIp()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxReservationsPerIp(int v) {
      maxReservationsPerIp = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#maxCircuits()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxCircuits(int v) {
      maxCircuits = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#maxCircuitsPerPeer()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxCircuitsPerPeer(int v) {
      maxCircuitsPerPeer = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#reservationTtl()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder reservationTtl(Duration v) {
      reservationTtl = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#maxCircuitDuration()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxCircuitDuration(Duration v) {
      maxCircuitDuration = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#maxCircuitData()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxCircuitData(long v) {
      maxCircuitData = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#maxMessageSize()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxMessageSize(int v) {
      maxMessageSize = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#streamTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder streamTimeout(Duration v) {
      streamTimeout = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#connectTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#stopHandshakeTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder stopHandshakeTimeout(Duration v) {
      stopHandshakeTimeout = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#limitFlushTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder limitFlushTimeout(Duration v) {
      limitFlushTimeout = v;
      return this;
    }

    /**
     * See {@link RelayLimiter#reservationSweepInterval()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder reservationSweepInterval(Duration v) {
      reservationSweepInterval = v;
      return this;
    }

    /**
     * Checks every value and builds the limiter.
     *
     * @throws IllegalArgumentException naming the first field that is out of range
     * @return the new {@code RelayLimiter}
     */
    public RelayLimiter build() {
      nonNegative("maxReservations", maxReservations);
      nonNegative("maxReservationsPerIp", maxReservationsPerIp);
      nonNegative("maxCircuits", maxCircuits);
      nonNegative("maxCircuitsPerPeer", maxCircuitsPerPeer);
      if (maxCircuitData < 0) {
        throw new IllegalArgumentException("maxCircuitData must be >= 0 (0 = unlimited): " + maxCircuitData);
      }
      atLeast("reservationTtl", reservationTtl, Duration.ofSeconds(1));
      Objects.requireNonNull(maxCircuitDuration, "maxCircuitDuration");
      if (maxCircuitDuration.isNegative()) {
        throw new IllegalArgumentException("maxCircuitDuration must be >= 0 (0 = unlimited): " + maxCircuitDuration);
      }
      if (!maxCircuitDuration.isZero()
          && (maxCircuitDuration.compareTo(Duration.ofSeconds(1)) < 0
              || maxCircuitDuration.toSeconds() > CircuitLimit.MAX_DURATION_SECONDS
              || maxCircuitDuration.toNanos() % 1_000_000_000L != 0)) {
        throw new IllegalArgumentException(
            "maxCircuitDuration must be 0 or whole seconds from 1 s to 2^32-1 s (it is sent in seconds): "
                + maxCircuitDuration);
      }
      if (maxMessageSize < 64 || maxMessageSize > CircuitMessages.MAX_MESSAGE_SIZE) {
        throw new IllegalArgumentException(
            "maxMessageSize must be in 64.." + CircuitMessages.MAX_MESSAGE_SIZE + ": " + maxMessageSize);
      }
      positive("streamTimeout", streamTimeout);
      positive("connectTimeout", connectTimeout);
      positive("stopHandshakeTimeout", stopHandshakeTimeout);
      positive("limitFlushTimeout", limitFlushTimeout);
      positive("reservationSweepInterval", reservationSweepInterval);
      return new RelayLimiter(this);
    }

    private static void nonNegative(String name, int v) {
      if (v < 0) {
        throw new IllegalArgumentException(name + " must be >= 0 (0 = unlimited): " + v);
      }
    }

    private static void positive(String name, Duration v) {
      Objects.requireNonNull(v, name);
      if (v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + v);
      }
    }

    private static void atLeast(String name, Duration v, Duration min) {
      Objects.requireNonNull(v, name);
      if (v.compareTo(min) < 0) {
        throw new IllegalArgumentException(name + " must be at least " + min + ": " + v);
      }
    }
  }
}
