package io.peerlink.core.internal.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.DuplexChannel;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.internal.muxer.MuxedStream;
import io.peerlink.core.internal.resource.StreamScope;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * One mplex stream as a Netty child channel of the connection, on the connection's event loop
 * (the same shape as a yamux stream channel). Inbound messages are retained slices of the
 * connection's buffers, delivered by {@code autoRead} and {@link #read()}; the handler that
 * receives one releases it. Written {@link ByteBuf}s are cut into messages of at most the
 * session's frame size; a write completes once handed to the connection, and the stream is
 * unwritable while the connection is.
 *
 * <p><b>No flow control.</b> mplex cannot tell the remote to slow down, so unread bytes are
 * charged to the stream's resource scope and bounded by {@link MplexConfig#maxBufferedBytes()}:
 * a stream over either is reset, with a {@link LimitExceededException} fired through
 * {@code exceptionCaught}.
 *
 * <p><b>Closing.</b> {@link #shutdownOutput()} sends Close after what was written before it (the
 * remote reads to its end; we may still read). The remote's Close ends our input: with
 * {@code ALLOW_HALF_CLOSURE} as input-shutdown events, else by closing the channel. {@link #close()}
 * sends Close (or Reset when written data was still unsent, so a truncated stream never looks
 * complete) and forgets the stream; what the remote sends afterwards is dropped. {@link #reset()}
 * and the remote's Reset end both ways at once and fail pending writes.
 */
final class MplexStreamChannel extends AbstractChannel implements DuplexChannel, MuxedStream {
  private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
  /** User-defined writability bit: the connection is writable. */
  private static final int PARENT_WRITABLE_BIT = 1;

  private final MplexSession session;
  private final long streamId;
  /** Whether this side opened the stream, which picks the flags of what it sends. */
  private final boolean initiator;
  private final StreamScope scope;
  private final MplexStreamChannelConfig config;
  private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
  private long bufferedBytes;

  private boolean open = true;
  private boolean localClosed;
  private boolean closePending;
  private ChannelPromise closePromise;
  private boolean remoteClosed;
  private boolean inputShutdownFired;
  private boolean inputShutdownLocal;
  private boolean reset;
  private boolean pendingWritesAtClose;
  private boolean readRequested;
  private boolean delivering;
  private boolean readCompletePending;

  MplexStreamChannel(MplexSession session, long streamId, boolean initiator, StreamScope scope) {
    super(session.channel());
    this.session = session;
    this.streamId = streamId;
    this.initiator = initiator;
    this.scope = scope;
    this.config = new MplexStreamChannelConfig(this);
  }

  long streamId() {
    return streamId;
  }

  boolean isInitiator() {
    return initiator;
  }

  /** Bytes received and not yet read. For tests. */
  long bufferedInboundBytes() {
    return bufferedBytes;
  }

  @Override
  public StreamScope resourceScope() {
    return scope;
  }

  @Override
  public ChannelFuture reset() {
    ChannelPromise promise = newPromise();
    runOnLoop(() -> {
      if (!open) {
        promise.trySuccess();
        return;
      }
      sendReset();
      closeWithCause(resetCause(false), promise);
    });
    return promise;
  }

  @Override
  public MplexStreamChannelConfig config() {
    return config;
  }

  @Override
  public ChannelMetadata metadata() {
    return METADATA;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isActive() {
    return open;
  }

  @Override
  public boolean isInputShutdown() {
    return inputShutdownLocal || inputShutdownFired || !open;
  }

  @Override
  public boolean isOutputShutdown() {
    return localClosed || closePending || reset || !open;
  }

  @Override
  public boolean isShutdown() {
    return isInputShutdown() && isOutputShutdown();
  }

  @Override
  public ChannelFuture shutdownInput() {
    return shutdownInput(newPromise());
  }

  /** Stops reading: buffered and later data is dropped (mplex cannot tell the remote). */
  @Override
  public ChannelFuture shutdownInput(ChannelPromise promise) {
    runOnLoop(() -> {
      inputShutdownLocal = true;
      releaseInbound();
      promise.trySuccess();
    });
    return promise;
  }

  @Override
  public ChannelFuture shutdownOutput() {
    return shutdownOutput(newPromise());
  }

  /** Sends Close after everything written before it; the promise completes when it is sent. */
  @Override
  public ChannelFuture shutdownOutput(ChannelPromise promise) {
    runOnLoop(() -> {
      if (!open) {
        promise.tryFailure(new ClosedChannelException());
        return;
      }
      if (localClosed || reset) {
        promise.trySuccess();
        return;
      }
      if (closePending) {
        closePromise.addListener(f -> copyResult(f, promise));
        return;
      }
      closePending = true;
      closePromise = promise;
      unsafe().flush();
      ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
      if (buffer == null || buffer.isEmpty()) {
        sendClose();
      }
      session.flushIfNeeded();
    });
    return promise;
  }

  @Override
  public ChannelFuture shutdown() {
    return shutdown(newPromise());
  }

  @Override
  public ChannelFuture shutdown(ChannelPromise promise) {
    shutdownOutput().addListener(f -> shutdownInput().addListener(g -> copyResult(f, promise)));
    return promise;
  }

  private static void copyResult(io.netty.util.concurrent.Future<?> from, ChannelPromise to) {
    if (from.isSuccess()) {
      to.trySuccess();
    } else {
      to.tryFailure(from.cause());
    }
  }

  @Override
  public String toString() {
    return "[mplex stream " + streamId + (initiator ? " out" : " in") + " of " + parent() + ']';
  }

  // ---------------------------------------------------------------- called by the session

  /** A message for this stream; takes ownership of {@code data}. */
  void onMessage(ByteBuf data) {
    int length = data.readableBytes();
    if (!open || inputShutdownLocal || remoteClosed || length == 0) {
      data.release();
      return;
    }
    if (bufferedBytes + length > session.config().maxBufferedBytes() || !scope.tryReserveMemory(length)) {
      data.release();
      LimitExceededException cause = new LimitExceededException("mplex stream " + streamId + " reset: its reader"
          + " left more than " + Math.min(bufferedBytes + length, session.config().maxBufferedBytes())
          + " bytes unread (mplex has no flow control; the bound is PeerConfig.mplexMaxBufferedBytes"
          + " and the stream's resource scope)");
      sendReset();
      closeWithCause(cause, voidPromise());
      pipeline().fireExceptionCaught(cause);
      return;
    }
    inbound.add(data);
    bufferedBytes += length;
    deliver();
  }

  void onRemoteClose() {
    if (remoteClosed) {
      return;
    }
    remoteClosed = true;
    deliver();
  }

  void onRemoteReset() {
    if (!open) {
      return;
    }
    remoteClosed = true;
    reset = true;
    releaseInbound();
    PeerException cause = resetCause(true);
    // Close first so pending writes fail with the reset; the pipeline runs until deregistration.
    closeWithCause(cause, voidPromise());
    pipeline().fireExceptionCaught(cause);
  }

  void onParentWritabilityChanged(boolean writable) {
    ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
    if (buffer != null) {
      buffer.setUserDefinedWritability(PARENT_WRITABLE_BIT, writable);
    }
  }

  void onParentReadComplete() {
    readCompletePending = false;
    if (open) {
      pipeline().fireChannelReadComplete();
      deliver();
    }
  }

  /** The connection closed: close without sending; an unfinished stream also sees {@code cause}. */
  void onSessionClosed(PeerException cause) {
    if (open) {
      boolean unfinished = !(remoteClosed && (localClosed || closePending));
      reset = true; // nothing can be sent any more
      closeWithCause(cause, voidPromise());
      if (unfinished) {
        pipeline().fireExceptionCaught(cause);
      }
    }
  }

  void clearReadRequested() {
    runOnLoop(() -> readRequested = false);
  }

  private PeerException resetCause(boolean remote) {
    return new PeerException(PeerError.IO, "mplex stream " + streamId + " reset by " + (remote ? "remote" : "local"));
  }

  // ---------------------------------------------------------------- reading

  private void deliver() {
    if (delivering) {
      return; // the running loop picks up the new state
    }
    delivering = true;
    try {
      while (open && readRequested) {
        if (inbound.isEmpty()) {
          if (remoteClosed && !inputShutdownFired && !readCompletePending) {
            handleEof();
          }
          return;
        }
        if (!config.isAutoRead()) {
          readRequested = false; // one read() = one batch
        }
        int max = maxMessagesPerRead();
        for (int i = 0; i < max && open && !inbound.isEmpty(); i++) {
          ByteBuf buf = inbound.poll();
          int length = buf.readableBytes();
          bufferedBytes -= length;
          scope.releaseMemory(length);
          pipeline().fireChannelRead(buf);
        }
        if (!open) {
          return;
        }
        if (session.inReadBatch()) {
          if (!readCompletePending) {
            readCompletePending = true;
            session.readCompleteLater(this);
          }
          return;
        }
        pipeline().fireChannelReadComplete();
        session.flushIfNeeded();
      }
    } finally {
      delivering = false;
    }
  }

  private void handleEof() {
    if (config.isAllowHalfClosure()) {
      inputShutdownFired = true;
      pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
    } else {
      unsafe().close(voidPromise());
    }
  }

  private int maxMessagesPerRead() {
    RecvByteBufAllocator allocator = config.getRecvByteBufAllocator();
    if (allocator instanceof MaxMessagesRecvByteBufAllocator m) {
      return Math.max(1, m.maxMessagesPerRead());
    }
    return 16;
  }

  private void releaseInbound() {
    for (ByteBuf buf; (buf = inbound.poll()) != null; ) {
      buf.release();
    }
    scope.releaseMemory(bufferedBytes);
    bufferedBytes = 0;
  }

  // ---------------------------------------------------------------- writing and closing

  private void sendClose() {
    closePending = false;
    if (localClosed || reset || session.isClosed()) {
      return;
    }
    localClosed = true;
    session.writeFrame(MplexFrame.close(streamId, initiator, session.emptyBuffer()));
    if (closePromise != null) {
      closePromise.trySuccess();
      closePromise = null;
    }
  }

  private void sendReset() {
    if (!reset && !session.isClosed()) {
      session.writeFrame(MplexFrame.reset(streamId, initiator, session.emptyBuffer()));
      session.flushIfNeeded();
    }
    reset = true;
  }

  private void closeWithCause(Throwable cause, ChannelPromise promise) {
    ((StreamUnsafe) unsafe()).closeWithCause(cause, promise);
  }

  private void runOnLoop(Runnable task) {
    EventLoop loop = session.channel().eventLoop();
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  @Override
  protected void doWrite(ChannelOutboundBuffer in) {
    if (reset || localClosed || session.isClosed()) {
      return; // close() fails what is left
    }
    int maxFrame = session.config().maxFrameSize();
    for (Object msg; (msg = in.current()) != null; ) {
      ByteBuf buf = (ByteBuf) msg;
      int readable = buf.readableBytes();
      if (readable == 0) {
        in.remove();
        continue;
      }
      int length = Math.min(readable, maxFrame);
      session.writeFrame(MplexFrame.message(streamId, initiator, buf.retainedSlice(buf.readerIndex(), length)));
      in.removeBytes(length);
    }
    if (closePending) {
      sendClose();
    }
    session.flushIfNeeded();
  }

  @Override
  protected Object filterOutboundMessage(Object msg) throws ChannelOutputShutdownException {
    if (!(msg instanceof ByteBuf)) {
      throw new UnsupportedOperationException("an mplex stream writes ByteBufs only, not "
          + (msg == null ? "null" : msg.getClass().getName()));
    }
    if (localClosed || closePending || reset) {
      throw new ChannelOutputShutdownException("mplex stream " + streamId + " output is shut down");
    }
    return msg;
  }

  @Override
  protected void doClose() {
    if (!open) {
      return;
    }
    open = false;
    releaseInbound();
    if (!reset && !session.isClosed()) {
      if (pendingWritesAtClose) {
        sendReset(); // the remote must not take a truncated stream for a complete one
      } else if (!localClosed) {
        localClosed = true;
        session.writeFrame(MplexFrame.close(streamId, initiator, session.emptyBuffer()));
      }
      session.flushIfNeeded();
    }
    if (closePromise != null) {
      closePromise.tryFailure(new ClosedChannelException());
      closePromise = null;
    }
    scope.done();
    session.streamClosed(this);
  }

  @Override
  protected void doBeginRead() {
    if (open) {
      readRequested = true;
      deliver();
    }
  }

  @Override
  protected void doRegister(ChannelPromise promise) {
    // Now that the channel has an event loop, a writability change can be fired.
    onParentWritabilityChanged(session.channel().isWritable());
    promise.setSuccess();
  }

  @Override
  protected boolean isCompatible(EventLoop loop) {
    return true;
  }

  @Override
  protected SocketAddress localAddress0() {
    return parent().localAddress();
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return parent().remoteAddress();
  }

  @Override
  protected void doBind(SocketAddress localAddress) {
    throw new UnsupportedOperationException("an mplex stream cannot be bound");
  }

  @Override
  protected void doDisconnect() {
    doClose();
  }

  @Override
  protected AbstractUnsafe newUnsafe() {
    return new StreamUnsafe();
  }

  private final class StreamUnsafe extends AbstractUnsafe {
    @Override
    public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
      promise.setFailure(new UnsupportedOperationException("an mplex stream cannot connect"));
    }

    @Override
    public void close(ChannelPromise promise) {
      ChannelOutboundBuffer buffer = outboundBuffer();
      pendingWritesAtClose = buffer != null && !buffer.isEmpty();
      super.close(promise);
    }

    void closeWithCause(Throwable cause, ChannelPromise promise) {
      close(promise, cause, new ClosedChannelException());
    }
  }
}
