package io.peerlink.core.internal.perf;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Sends a number of bytes as slices of one block that is filled once: no payload is allocated or
 * copied per write. It writes only while the channel is writable, so the bytes queued at any time
 * stay under the channel's high water mark; call {@link #pump} again when writability returns.
 *
 * <p>Owns one reference to the block; {@link #release()} gives it back (slices already written
 * hold their own references until the transport is done with them).
 */
final class BlockWriter {
  private final ByteBuf block;
  private long remaining;
  private long written;
  private boolean released;
  private boolean pumping;

  /** A writer of {@code total} bytes in writes of {@code blockSize}, the block taken from the channel's allocator. */
  BlockWriter(ChannelHandlerContext ctx, int blockSize, long total) {
    // The payload's content does not matter (the spec says so); zeros, as go and js send.
    this.block = ctx.alloc().directBuffer(blockSize, blockSize).writeZero(blockSize);
    this.remaining = total;
  }

  /**
   * Writes while the channel is writable and bytes remain, flushing each batch. Returns whether
   * everything has been written. Write failures reach {@code exceptionCaught}.
   *
   * <p>A flush can make the channel writable again before it returns, and that writability event
   * may call back into this method: the nested call returns false at once and this loop carries
   * on, so the stack stays flat however many bytes are sent.
   */
  boolean pump(ChannelHandlerContext ctx) {
    if (pumping) {
      return false;
    }
    pumping = true;
    try {
      while (remaining > 0 && ctx.channel().isWritable()) {
        do {
          int n = (int) Math.min(block.readableBytes(), remaining);
          ctx.write(block.retainedSlice(0, n), ctx.voidPromise());
          remaining -= n;
          written += n;
        } while (remaining > 0 && ctx.channel().isWritable());
        ctx.flush();
      }
    } finally {
      pumping = false;
    }
    return remaining == 0;
  }

  /** Bytes handed to the channel so far. */
  long written() {
    return written;
  }

  /** Whether every byte has been handed to the channel. */
  boolean done() {
    return remaining == 0;
  }

  /** Gives back the block; idempotent. */
  void release() {
    // A flag, not refCnt(): slices in flight share the block's count.
    if (!released) {
      released = true;
      block.release();
    }
  }
}
