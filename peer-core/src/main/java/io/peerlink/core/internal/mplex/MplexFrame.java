package io.peerlink.core.internal.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One mplex message: {@code uvarint(streamId << 3 | flag) || uvarint(length) || data}. The flag
 * says what happens and which side of the stream sent it: the side that opened the stream is its
 * initiator, the other its receiver. Reference counting: the frame owns {@link #data()}; whoever
 * holds the frame releases it (or takes the data with {@link #data()} and a retain).
 */
final class MplexFrame extends AbstractReferenceCounted {
  static final int NEW_STREAM = 0;
  static final int MESSAGE_RECEIVER = 1;
  static final int MESSAGE_INITIATOR = 2;
  static final int CLOSE_RECEIVER = 3;
  static final int CLOSE_INITIATOR = 4;
  static final int RESET_RECEIVER = 5;
  static final int RESET_INITIATOR = 6;

  /** Largest stream ID: what fits a header varint of {@code Varint.MAX_BYTES}, shifted by three. */
  static final long MAX_STREAM_ID = (1L << 60) - 1;

  private final long streamId;
  private final int flag;
  private final ByteBuf data;

  MplexFrame(long streamId, int flag, ByteBuf data) {
    this.streamId = streamId;
    this.flag = flag;
    this.data = data;
  }

  static MplexFrame message(long streamId, boolean initiator, ByteBuf data) {
    return new MplexFrame(streamId, initiator ? MESSAGE_INITIATOR : MESSAGE_RECEIVER, data);
  }

  static MplexFrame close(long streamId, boolean initiator, ByteBuf empty) {
    return new MplexFrame(streamId, initiator ? CLOSE_INITIATOR : CLOSE_RECEIVER, empty);
  }

  static MplexFrame reset(long streamId, boolean initiator, ByteBuf empty) {
    return new MplexFrame(streamId, initiator ? RESET_INITIATOR : RESET_RECEIVER, empty);
  }

  long streamId() {
    return streamId;
  }

  int flag() {
    return flag;
  }

  ByteBuf data() {
    return data;
  }

  /** Whether the sender opened the stream (flags 2, 4, 6; NewStream too). */
  boolean fromInitiator() {
    return flag == NEW_STREAM || flag % 2 == 0;
  }

  @Override
  protected void deallocate() {
    data.release();
  }

  @Override
  public ReferenceCounted touch(Object hint) {
    data.touch(hint);
    return this;
  }

  @Override
  public String toString() {
    return "MplexFrame(stream " + streamId + ", flag " + flag + ", " + data.readableBytes() + " bytes)";
  }
}
