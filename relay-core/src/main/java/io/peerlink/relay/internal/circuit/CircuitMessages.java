package io.peerlink.relay.internal.circuit;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.ProtobufFrames;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.Limit;
import io.peerlink.relay.internal.proto.CircuitProtos.Peer;
import io.peerlink.relay.internal.proto.CircuitProtos.Reservation;
import io.peerlink.relay.internal.proto.CircuitProtos.Status;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;

/**
 * Construction and encoding of Circuit Relay v2 hop and stop messages: {@code uvarint(len) ‖ protobuf},
 * at most {@link #MAX_MESSAGE_SIZE} bytes of protobuf per message. Reading them is
 * {@link CircuitMessageReader}'s job.
 */
public final class CircuitMessages {

  /** Hop protocol: clients to the relay (RESERVE, CONNECT). */
  public static final String HOP_PROTOCOL = "/libp2p/circuit/relay/0.2.0/hop";
  /** Stop protocol: the relay to the target of a circuit. */
  public static final String STOP_PROTOCOL = "/libp2p/circuit/relay/0.2.0/stop";
  /** Largest hop/stop protobuf accepted or sent, in bytes (go-libp2p's {@code maxMessageSize}). */
  public static final int MAX_MESSAGE_SIZE = 4096;

  private CircuitMessages() {}

  /**
   * Encodes {@code message} with its length prefix into a new buffer from {@code alloc}; the
   * caller owns (and usually writes) the returned buffer.
   *
   * @throws IllegalArgumentException if the message is larger than {@link #MAX_MESSAGE_SIZE}
   */
  public static ByteBuf encode(ByteBufAllocator alloc, MessageLite message) {
    int size = message.getSerializedSize();
    if (size > MAX_MESSAGE_SIZE) {
      throw new IllegalArgumentException(
          "circuit message of " + size + " bytes exceeds " + MAX_MESSAGE_SIZE);
    }
    return ProtobufFrames.encodeDelimited(alloc, message);
  }

  // ------------------------------------------------------------------ message construction

  /** {@return the protobuf value of {@code status}} */
  public static Status toProto(RelayStatus status) {
    return Status.forNumber(status.code());
  }

  /**
   * The status a protobuf value stands for.
   *
   * @param status the protobuf value
   * @return the status, or null for one this version does not know
   */
  public static RelayStatus fromProto(Status status) {
    return status == Status.UNRECOGNIZED ? null : RelayStatus.fromCode(status.getNumber());
  }

  /** {@code HopMessage{type=RESERVE}}. */
  public static HopMessage hopReserve() {
    return HopMessage.newBuilder().setType(HopMessage.Type.RESERVE).build();
  }

  /** {@code HopMessage{type=CONNECT, peer{id}}}; {@code addrs} left empty as the spec asks. */
  public static HopMessage hopConnect(PeerId target) {
    return HopMessage.newBuilder()
        .setType(HopMessage.Type.CONNECT)
        .setPeer(peer(target))
        .build();
  }

  /** {@code HopMessage{type=STATUS}} with optional reservation and limit (null = absent). */
  public static HopMessage hopStatus(RelayStatus status, Reservation reservation, CircuitLimit limit) {
    HopMessage.Builder b = HopMessage.newBuilder()
        .setType(HopMessage.Type.STATUS)
        .setStatus(toProto(status));
    if (reservation != null) {
      b.setReservation(reservation);
    }
    Limit l = limit == null ? null : limit.toProto();
    if (l != null) {
      b.setLimit(l);
    }
    return b.build();
  }

  /** {@code StopMessage{type=CONNECT, peer{id=source}, limit?}}. */
  public static StopMessage stopConnect(PeerId source, CircuitLimit limit) {
    StopMessage.Builder b = StopMessage.newBuilder()
        .setType(StopMessage.Type.CONNECT)
        .setPeer(peer(source));
    Limit l = limit == null ? null : limit.toProto();
    if (l != null) {
      b.setLimit(l);
    }
    return b.build();
  }

  /** {@code StopMessage{type=STATUS, status}}. */
  public static StopMessage stopStatus(RelayStatus status) {
    return StopMessage.newBuilder()
        .setType(StopMessage.Type.STATUS)
        .setStatus(toProto(status))
        .build();
  }

  /** A {@code Peer} with only its ID (binary multihash). */
  public static Peer peer(PeerId id) {
    return Peer.newBuilder().setId(ByteString.copyFrom(id.bytes())).build();
  }

  /**
   * The peer ID in a {@code Peer} message.
   *
   * @throws CircuitMessageException (MALFORMED_MESSAGE) if absent or not a valid peer ID
   */
  public static PeerId peerId(Peer peer) throws CircuitMessageException {
    if (peer == null || !peer.hasId() || peer.getId().isEmpty()) {
      throw new CircuitMessageException(RelayStatus.MALFORMED_MESSAGE, "peer id missing");
    }
    try {
      return PeerId.fromBytes(peer.getId().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new CircuitMessageException(RelayStatus.MALFORMED_MESSAGE,
          "invalid peer id: " + e.getMessage(), e);
    }
  }
}
