package io.peerlink.core.internal.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.Varint;
import java.util.List;

/**
 * Cuts a connection's bytes into {@link MplexFrame}s. A length over {@code maxFrameSize} or an
 * unknown flag fails before the body is buffered, through {@code exceptionCaught}
 * ({@link LimitExceededException}, {@link ProtocolViolationException}) and closes the channel;
 * after a failure the rest is discarded. Data is a retained slice of the inbound buffer, not a copy.
 */
final class MplexFrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameSize;
  private boolean failed;

  MplexFrameDecoder(int maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      while (in.isReadable()) {
        int start = in.readerIndex();
        long header = Varint.tryRead(in);
        if (header == Varint.INCOMPLETE) {
          return;
        }
        int flag = (int) (header & 7);
        if (flag > MplexFrame.RESET_INITIATOR) {
          throw new ProtocolViolationException("mplex: unknown flag " + flag);
        }
        long length = Varint.tryRead(in);
        if (length == Varint.INCOMPLETE) {
          in.readerIndex(start);
          return;
        }
        if (length > maxFrameSize) {
          throw new LimitExceededException("mplex: a message of " + length + " bytes, more than the "
              + maxFrameSize + "-byte limit");
        }
        if (in.readableBytes() < length) {
          in.readerIndex(start);
          return;
        }
        out.add(new MplexFrame(header >>> 3, flag, in.readRetainedSlice((int) length)));
      }
    } catch (ProtocolViolationException | LimitExceededException e) {
      // Fired as it is (a thrown one would come wrapped in a DecoderException), then closed.
      failed = true;
      in.skipBytes(in.readableBytes());
      ctx.fireExceptionCaught(e);
      ctx.close();
    }
  }
}
