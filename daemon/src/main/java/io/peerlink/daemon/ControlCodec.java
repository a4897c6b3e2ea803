package io.peerlink.daemon;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.spi.ProtobufFrames;
import io.peerlink.daemon.internal.proto.ControlProtos.ErrorResponse;
import io.peerlink.daemon.internal.proto.ControlProtos.Request;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;

/**
 * Reads requests and writes responses of the daemon control protocol. On the wire every message is
 * {@code uvarint(length) || protobuf}; the framing (bounded before buffering) is peer-core's
 * {@code LengthPrefixedFrameDecoder}, and this class parses and checks what is inside one frame.
 */
final class ControlCodec {
  private ControlCodec() {}

  /**
   * Parses one request frame. A request with no type is IDENTIFY, as in proto3 where type 0 is
   * the default; a type this daemon does not know is malformed.
   *
   * @param frame the frame's bytes; not released here
   * @return the request
   * @throws ProtocolViolationException if the bytes are not a request, or its type is unknown
   */
  static Request parseRequest(ByteBuf frame) throws ProtocolViolationException {
    Request request = ProtobufFrames.parse(frame, Request.parser());
    if (!request.hasType() && request.getUnknownFields().hasField(Request.TYPE_FIELD_NUMBER)) {
      // proto2 keeps an enum value it does not know among the unknown fields.
      throw new ProtocolViolationException("unknown request type "
          + request.getUnknownFields().getField(Request.TYPE_FIELD_NUMBER).getVarintList());
    }
    return request;
  }

  /** {@return an OK response with nothing else in it} */
  static Response ok() {
    return Response.newBuilder().setType(Response.Type.OK).build();
  }

  /**
   * An ERROR response.
   *
   * @param message what went wrong, for the client's error message
   * @return the response
   */
  static Response error(String message) {
    return Response.newBuilder()
        .setType(Response.Type.ERROR)
        .setError(ErrorResponse.newBuilder().setMsg(message == null ? "error" : message))
        .build();
  }

  /**
   * Encodes a message with its length prefix.
   *
   * @param alloc where the buffer comes from
   * @param message a response, a bare StreamInfo or a bare DHTResponse
   * @param maxBytes the largest message the daemon sends
   * @return the prefixed message; the caller owns it
   * @throws IllegalStateException if the message is larger than {@code maxBytes}
   */
  static ByteBuf encode(ByteBufAllocator alloc, MessageLite message, int maxBytes) {
    int size = message.getSerializedSize();
    if (size > maxBytes) {
      throw new IllegalStateException("control message of " + size + " bytes exceeds " + maxBytes);
    }
    return ProtobufFrames.encodeDelimited(alloc, message);
  }
}
