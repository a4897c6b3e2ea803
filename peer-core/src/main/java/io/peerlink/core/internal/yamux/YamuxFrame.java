package io.peerlink.core.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * One yamux frame: the 12-byte header ({@code version | type | flags | streamID | length}) and, for
 * a {@link #TYPE_DATA data} frame, its payload.
 *
 * <p>A frame is immutable. Its reference count is the payload's: a data frame handed to
 * {@link YamuxFrameEncoder} is released by the encoder. Frames of the other types, and the data
 * frame headers {@link YamuxFrameDecoder} produces (their payload follows as separate buffers),
 * hold no buffer, and releasing them is a no-op.
 *
 * <p>{@link #streamId()} and {@link #length()} are unsigned 32-bit values on the wire; they are
 * exposed as {@code long} so callers never see a negative number.
 */
public final class YamuxFrame implements ReferenceCounted {

  /** Protocol version; the only one defined. */
  public static final byte VERSION = 0;
  /** Length of the fixed header in bytes. */
  public static final int HEADER_LENGTH = 12;

  /** Data frame: {@code length} payload bytes follow the header. */
  public static final int TYPE_DATA = 0x0;
  /** Window update: {@code length} is the delta added to the receiver's send window. */
  public static final int TYPE_WINDOW_UPDATE = 0x1;
  /** Ping on stream 0: {@code length} is an opaque value echoed back. */
  public static final int TYPE_PING = 0x2;
  /** Go away on stream 0: {@code length} is a {@link GoAwayCode}. */
  public static final int TYPE_GO_AWAY = 0x3;

  /** Opens a stream, or asks for a ping reply. */
  public static final int FLAG_SYN = 0x1;
  /** Accepts a stream, or answers a ping. */
  public static final int FLAG_ACK = 0x2;
  /** Half-closes the sender's direction of a stream. */
  public static final int FLAG_FIN = 0x4;
  /** Resets a stream. */
  public static final int FLAG_RST = 0x8;

  /** The session's own stream ID, used by ping and go away. */
  public static final long SESSION_STREAM_ID = 0;

  static final long MAX_U32 = 0xFFFF_FFFFL;

  private final int type;
  private final int flags;
  private final long streamId;
  private final long length;
  private final ByteBuf payload;

  private YamuxFrame(int type, int flags, long streamId, long length, ByteBuf payload) {
    if (type < TYPE_DATA || type > TYPE_GO_AWAY) {
      throw new IllegalArgumentException("unknown frame type: " + type);
    }
    if ((flags & ~0xFFFF) != 0) {
      throw new IllegalArgumentException("flags must fit 16 bits: " + flags);
    }
    checkU32(streamId, "streamId");
    checkU32(length, "length");
    this.type = type;
    this.flags = flags;
    this.streamId = streamId;
    this.length = length;
    this.payload = payload;
  }

  /** A data frame whose length is the payload's readable bytes; takes ownership of {@code payload}. */
  public static YamuxFrame data(long streamId, int flags, ByteBuf payload) {
    Objects.requireNonNull(payload, "payload");
    return new YamuxFrame(TYPE_DATA, flags, streamId, payload.readableBytes(), payload);
  }

  /** A window update granting {@code delta} more bytes (0 is fine with SYN/ACK/FIN/RST). */
  public static YamuxFrame windowUpdate(long streamId, int flags, long delta) {
    return new YamuxFrame(TYPE_WINDOW_UPDATE, flags, streamId, delta, null);
  }

  /** A ping request ({@link #FLAG_SYN}) or reply ({@link #FLAG_ACK}) carrying {@code opaque}. */
  public static YamuxFrame ping(int flags, long opaque) {
    return new YamuxFrame(TYPE_PING, flags, SESSION_STREAM_ID, opaque, null);
  }

  /** A go away frame with the given code. */
  public static YamuxFrame goAway(GoAwayCode code) {
    return goAway(code.code());
  }

  /** A go away frame with a raw code (codes outside {@link GoAwayCode} are legal on the wire). */
  public static YamuxFrame goAway(long code) {
    return new YamuxFrame(TYPE_GO_AWAY, 0, SESSION_STREAM_ID, code, null);
  }

  /** Builds a frame from decoded header fields; used by the decoder (with a null payload). */
  static YamuxFrame decoded(int type, int flags, long streamId, long length, ByteBuf payload) {
    return new YamuxFrame(type, flags, streamId, length, payload);
  }

  private static void checkU32(long value, String name) {
    if (value < 0 || value > MAX_U32) {
      throw new IllegalArgumentException(name + " must be an unsigned 32-bit value: " + value);
    }
  }

  /** The frame type, one of the {@code TYPE_} constants. */
  public int type() {
    return type;
  }

  /** The flag bits ({@code FLAG_} constants). */
  public int flags() {
    return flags;
  }

  /** Whether every bit of {@code flag} is set. */
  public boolean hasFlag(int flag) {
    return (flags & flag) == flag;
  }

  /** The stream ID (0 for ping and go away). */
  public long streamId() {
    return streamId;
  }

  /** The header's length field: payload size, window delta, ping opaque value or go away code. */
  public long length() {
    return length;
  }

  /**
   * The payload of a data frame made by {@link #data}; an empty buffer for other types and for a
   * decoded data header. Not retained by this call.
   */
  public ByteBuf payload() {
    return payload == null ? Unpooled.EMPTY_BUFFER : payload;
  }

  /** Writes the 12-byte header to {@code out}. */
  public void writeHeader(ByteBuf out) {
    out.writeByte(VERSION);
    out.writeByte(type);
    out.writeShort(flags);
    out.writeInt((int) streamId);
    out.writeInt((int) length);
  }

  @Override
  public int refCnt() {
    return payload == null ? 1 : payload.refCnt();
  }

  @Override
  public YamuxFrame retain() {
    if (payload != null) {
      payload.retain();
    }
    return this;
  }

  @Override
  public YamuxFrame retain(int increment) {
    if (payload != null) {
      payload.retain(increment);
    }
    return this;
  }

  @Override
  public YamuxFrame touch() {
    if (payload != null) {
      payload.touch();
    }
    return this;
  }

  @Override
  public YamuxFrame touch(Object hint) {
    if (payload != null) {
      payload.touch(hint);
    }
    return this;
  }

  @Override
  public boolean release() {
    return payload != null && payload.release();
  }

  @Override
  public boolean release(int decrement) {
    return payload != null && payload.release(decrement);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("YamuxFrame(");
    sb.append(switch (type) {
      case TYPE_DATA -> "DATA";
      case TYPE_WINDOW_UPDATE -> "WINDOW_UPDATE";
      case TYPE_PING -> "PING";
      default -> "GO_AWAY";
    });
    if (hasFlag(FLAG_SYN)) {
      sb.append(" SYN");
    }
    if (hasFlag(FLAG_ACK)) {
      sb.append(" ACK");
    }
    if (hasFlag(FLAG_FIN)) {
      sb.append(" FIN");
    }
    if (hasFlag(FLAG_RST)) {
      sb.append(" RST");
    }
    return sb.append(" stream=").append(streamId).append(" length=").append(length).append(')').toString();
  }
}
