package io.peerlink.relay.internal.circuit;

import io.peerlink.core.ConnectionLimit;
import io.peerlink.relay.internal.proto.CircuitProtos;
import java.time.Duration;

/**
 * The limits a relay puts on one relayed connection, as sent in the {@code Limit} message.
 *
 * @param durationSeconds how long the circuit may stay open, in seconds; 0 means unlimited
 * @param dataBytes how many bytes may be relayed in <em>each</em> direction; 0 means unlimited
 */
public record CircuitLimit(long durationSeconds, long dataBytes) {

  /** No limit on either dimension; sent as an absent {@code limit} field. */
  public static final CircuitLimit UNLIMITED = new CircuitLimit(0, 0);

  /** Largest duration the wire's {@code uint32} can carry. */
  public static final long MAX_DURATION_SECONDS = 0xFFFF_FFFFL;

  public CircuitLimit {
    if (durationSeconds < 0 || durationSeconds > MAX_DURATION_SECONDS) {
      throw new IllegalArgumentException("durationSeconds out of range: " + durationSeconds);
    }
    if (dataBytes < 0) {
      throw new IllegalArgumentException("dataBytes must be >= 0: " + dataBytes);
    }
  }

  /** Whether neither dimension is limited. */
  public boolean isUnlimited() {
    return durationSeconds == 0 && dataBytes == 0;
  }

  /** The protobuf form, or {@code null} when unlimited (an absent field means "no limit"). */
  public CircuitProtos.Limit toProto() {
    if (isUnlimited()) {
      return null;
    }
    return CircuitProtos.Limit.newBuilder()
        .setDuration((int) durationSeconds)
        .setData(dataBytes)
        .build();
  }

  /** Reads a {@code Limit}; {@code null} (field absent) means unlimited. */
  public static CircuitLimit fromProto(CircuitProtos.Limit limit) {
    if (limit == null) {
      return UNLIMITED;
    }
    long duration = limit.hasDuration() ? Integer.toUnsignedLong(limit.getDuration()) : 0;
    long data = limit.hasData() ? limit.getData() : 0;
    // uint64 above Long.MAX_VALUE is, for any practical purpose, unlimited.
    return new CircuitLimit(duration, data < 0 ? 0 : data);
  }

  /**
   * The limit as a relayed connection carries it ({@code Peer.limit()}).
   *
   * @return the connection limit, or {@code null} when unlimited
   */
  public ConnectionLimit toConnectionLimit() {
    return isUnlimited() ? null : new ConnectionLimit(Duration.ofSeconds(durationSeconds), dataBytes);
  }
}
