package io.peerlink.core.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.DuplexChannel;
import io.peerlink.core.internal.muxer.MuxedStream;
import io.peerlink.core.internal.resource.StreamScope;
import io.netty.util.concurrent.Future;
import io.peerlink.core.PeerException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * One yamux stream as a Netty child {@link io.netty.channel.Channel} of the connection, in the manner
 * of Netty's HTTP/2 stream channels. {@link #parent()} is the connection; both addresses are the
 * parent's; the channel runs on the parent's event loop and all state changes happen there.
 *
 * <p><b>Reading.</b> Inbound payloads are retained slices of the connection's buffers (no copy),
 * delivered with {@code fireChannelRead} according to {@code autoRead} and {@link #read()}; the
 * handler that receives a buffer releases it. Data that arrives while nobody reads is queued; the
 * queue is bounded by the receive window, which is re-opened (a window update is sent) only as data
 * is delivered, and only once at least half the window has been consumed, so a slow reader stops
 * the remote writer. The window doubles, up to {@link YamuxConfig#maxStreamWindow()}, when the reader
 * consumes a window within four round trips (as go-yamux and js-libp2p-yamux do).
 *
 * <p><b>Writing.</b> Only {@link ByteBuf}s are accepted. They are cut into data frames of at most
 * {@link YamuxConfig#maxDataFrameSize()} bytes and never beyond the remote's window; the rest waits in
 * the channel's outbound buffer until a window update arrives. A write's promise completes when its
 * bytes have been handed to the connection. The channel is unwritable while the outbound buffer is
 * above its high water mark, while the send window is exhausted, or while the connection is
 * unwritable.
 *
 * <p><b>Remote FIN.</b> After the buffered data has been read: with
 * {@link io.netty.channel.ChannelOption#ALLOW_HALF_CLOSURE} the channel fires
 * {@link ChannelInputShutdownEvent#INSTANCE} then {@link ChannelInputShutdownReadComplete#INSTANCE}
 * as user events and stays open for writing; without it the channel closes.
 *
 * <p><b>Remote RST.</b> Buffered inbound data is released, pending writes fail with a
 * {@link StreamResetException}, that exception is fired once through {@code exceptionCaught}, and the
 * channel closes.
 *
 * <p><b>Local close.</b> {@link #shutdownOutput()} sends FIN once everything flushed before it has
 * been sent. {@link #close()} sends FIN (like go's {@code Close}, which is {@code CloseWrite} plus
 * {@code CloseRead}), releases unread data and fails unflushed writes; if flushed data was still
 * waiting for window it sends RST instead, so the remote never mistakes a truncated stream for a
 * complete one. Until the remote's FIN arrives the session remembers the stream; data the remote
 * sends after our close is answered with RST. {@link #reset()} sends RST and closes.
 */
public final class YamuxStreamChannel extends AbstractChannel implements DuplexChannel, MuxedStream {

  private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
  /** User-defined writability bit: the connection is writable. */
  private static final int PARENT_WRITABLE_BIT = 1;
  /** User-defined writability bit: the remote's window has room. */
  private static final int WINDOW_OPEN_BIT = 2;
  /** User-defined writability bit: the resource scopes have room for more outbound bytes. */
  private static final int MEMORY_BIT = 3;

  private final YamuxSession session;
  private final long streamId;
  private final boolean outbound;
  private final YamuxStreamChannelConfig config;
  private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
  private final StreamScope scope;
  /** Waiting for the resource scopes to have room for the next outbound frame. */
  private boolean waitingForMemory;
  /** Waiting for the connection to be writable before handing it the next outbound frame. */
  private boolean waitingForConnection;
  /** Inside {@link #doWrite}, where Netty ignores a nested flush. */
  private boolean writing;
  /** The connection drained while this stream was writing (its own flush ran the resume): write on. */
  private boolean resumedWhileWriting;

  private boolean open = true;
  /** Inbound stream not yet accepted: the next frame we send carries ACK. */
  private boolean ackNeeded;
  /** Outbound stream whose ACK has not arrived. */
  private boolean awaitingAck;
  private boolean finPending;
  private ChannelPromise finPromise;
  private boolean localFin;
  private boolean remoteFin;
  private boolean inputShutdownFired;
  private boolean inputShutdownLocal;
  private boolean reset;
  private boolean pendingWritesAtClose;

  private long sendWindow = YamuxConfig.SPEC_INITIAL_WINDOW;
  private final ReceiveWindow receiveWindow;
  private long bufferedBytes;

  private boolean readRequested;
  private boolean delivering;
  private boolean readCompletePending;

  YamuxStreamChannel(YamuxSession session, long streamId, boolean outbound, StreamScope scope) {
    super(session.channel());
    this.scope = scope;
    this.session = session;
    this.streamId = streamId;
    this.outbound = outbound;
    YamuxConfig cfg = session.config();
    this.config = new YamuxStreamChannelConfig(this);
    config.setWriteBufferWaterMark(new WriteBufferWaterMark(
        cfg.streamWriteBufferLowWaterMark(), cfg.streamWriteBufferHighWaterMark()));
    this.receiveWindow = new ReceiveWindow(cfg.initialStreamWindow(), cfg.maxStreamWindow(),
        new ScopedGrowth(session.windowBudget(), scope), outbound, System.nanoTime());
    this.awaitingAck = outbound;
    this.ackNeeded = !outbound;
  }

  /** The yamux stream ID: odd for streams the client opened, even for the server's. */
  public long streamId() {
    return streamId;
  }

  /** Whether this side opened the stream. */
  public boolean isOutbound() {
    return outbound;
  }

  /** Bytes this side may still send before the remote grants more window. For tests and metrics. */
  public long sendWindow() {
    return sendWindow;
  }

  /** Bytes received and queued but not yet delivered to the pipeline. For tests and metrics. */
  public long bufferedInboundBytes() {
    return bufferedBytes;
  }

  /** The receive window currently granted to the remote, in bytes (grows with auto-tuning). */
  public int receiveWindow() {
    return receiveWindow.window();
  }

  /** The resource scope this stream's buffered bytes are charged to. */
  @Override
  public StreamScope resourceScope() {
    return scope;
  }

  /** Resets the stream: sends RST, fails pending writes, releases buffered data and closes. */
  @Override
  public ChannelFuture reset() {
    ChannelPromise promise = newPromise();
    runOnLoop(() -> {
      if (!open) {
        promise.trySuccess();
        return;
      }
      StreamResetException cause = new StreamResetException(streamId, false, 0);
      sendReset();
      closeWithCause(cause, promise);
    });
    return promise;
  }

  @Override
  public YamuxStreamChannelConfig config() {
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
    return localFin || finPending || reset || !open;
  }

  @Override
  public boolean isShutdown() {
    return isInputShutdown() && isOutputShutdown();
  }

  @Override
  public ChannelFuture shutdownInput() {
    return shutdownInput(newPromise());
  }

  /** Stops reading: buffered and later data is discarded (still credited, so the remote is not stalled). */
  @Override
  public ChannelFuture shutdownInput(ChannelPromise promise) {
    runOnLoop(() -> {
      if (!inputShutdownLocal) {
        inputShutdownLocal = true;
        receiveWindow.onConsumed(bufferedBytes);
        releaseInbound();
        maybeSendWindowUpdate();
        session.flushIfNeeded();
      }
      promise.trySuccess();
    });
    return promise;
  }

  @Override
  public ChannelFuture shutdownOutput() {
    return shutdownOutput(newPromise());
  }

  /** Sends FIN after everything written before it; the promise completes when the FIN is sent. */
  @Override
  public ChannelFuture shutdownOutput(ChannelPromise promise) {
    runOnLoop(() -> {
      if (!open) {
        promise.tryFailure(new ClosedChannelException());
        return;
      }
      if (localFin || reset) {
        promise.trySuccess();
        return;
      }
      if (finPending) {
        finPromise.addListener(f -> copyResult(f, promise));
        return;
      }
      finPending = true;
      finPromise = promise;
      unsafe().flush();
      ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
      if (buffer == null || buffer.isEmpty()) {
        sendFin();
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

  private static void copyResult(Future<?> from, ChannelPromise to) {
    if (from.isSuccess()) {
      to.trySuccess();
    } else {
      to.tryFailure(from.cause());
    }
  }

  @Override
  public String toString() {
    return "[yamux stream " + streamId + (outbound ? " out" : " in") + " of " + parent() + ']';
  }

  // ---------------------------------------------------------------- called by the session

  /**
   * A data frame of {@code length} bytes starts; its payload follows through {@link #onPayload}.
   * Returns false if it overruns the window this side granted.
   */
  boolean onDataFrame(long length) {
    if (!receiveWindow.onReceived(length)) {
      return false;
    }
    if (!open && length > 0) {
      // Data after our full close: the remote should stop; tell it. The payload is dropped.
      sendReset();
      session.streamFinished(this);
    }
    return true;
  }

  /** A piece of the current data frame's payload; takes ownership. */
  void onPayload(ByteBuf payload) {
    int length = payload.readableBytes();
    if (!open) {
      payload.release();
      return;
    }
    if (inputShutdownLocal || remoteFin) {
      payload.release();
      receiveWindow.onConsumed(length);
      maybeSendWindowUpdate();
      return;
    }
    // No charge here: the bytes are within the window, which was charged when granted.
    inbound.add(payload);
    bufferedBytes += length;
    deliver();
  }

  /** Bytes the remote may still send on this stream before we grant more. */
  long receiveCredit() {
    return receiveWindow.credit();
  }

  void onWindowUpdate(long delta) {
    if (delta == 0 || !open) {
      return;
    }
    sendWindow += delta;
    setWritabilityBit(WINDOW_OPEN_BIT, true);
    writeQueued();
  }

  void onAck() {
    if (awaitingAck) {
      awaitingAck = false;
      session.outboundAcked(this);
    }
  }

  void onRemoteFin() {
    if (remoteFin) {
      return;
    }
    remoteFin = true;
    if (!open) {
      session.streamFinished(this);
      return;
    }
    deliver();
  }

  void onRemoteReset(long errorCode) {
    remoteFin = true; // nothing more will come
    if (!open) {
      session.streamFinished(this);
      return;
    }
    reset = true;
    releaseInbound();
    StreamResetException cause = new StreamResetException(streamId, true, errorCode);
    // Close first so pending writes fail with the reset; the pipeline still runs until deregistration.
    closeWithCause(cause, voidPromise());
    pipeline().fireExceptionCaught(cause);
  }

  /** Auto-read was turned off: the read it had requested is withdrawn, so queued data stays queued. */
  void clearReadRequested() {
    runOnLoop(() -> readRequested = false);
  }

  /** The session retries a write that waited for memory. */
  void retryWrite() {
    waitingForMemory = false;
    if (!open) {
      return;
    }
    if (!writeQueued()) {
      setWritabilityBit(MEMORY_BIT, true);
    }
  }

  /** The connection is writable again and it is this stream's turn to write. */
  void resumeWrite() {
    waitingForConnection = false;
    if (writing) {
      resumedWhileWriting = true; // a flush here would be ignored; doWrite goes on instead
      return;
    }
    if (open) {
      writeQueued();
    }
  }

  /** Hands the connection what this stream has queued; false if nothing is queued. */
  private boolean writeQueued() {
    ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
    if (buffer == null || buffer.isEmpty()) {
      return false;
    }
    ((StreamUnsafe) unsafe()).writeQueued();
    return true;
  }

  void onParentWritabilityChanged(boolean writable) {
    setWritabilityBit(PARENT_WRITABLE_BIT, writable);
  }

  /** The connection's read batch ended: complete this channel's read batch. */
  void onParentReadComplete() {
    readCompletePending = false;
    if (!open) {
      return;
    }
    pipeline().fireChannelReadComplete();
    maybeSendWindowUpdate();
    deliver();
  }

  /**
   * The connection closed: close without sending anything. Pending writes fail with {@code cause};
   * a stream not finished both ways also sees it once through {@code exceptionCaught}, so a reader
   * learns the peer vanished rather than only that the channel went inactive.
   */
  void onSessionClosed(PeerException cause) {
    if (open) {
      boolean unfinished = !(remoteFin && (localFin || finPending));
      reset = true; // nothing can be sent any more
      // Close first so pending writes fail with the cause; the pipeline still runs until deregistration.
      closeWithCause(cause, voidPromise());
      if (unfinished) {
        pipeline().fireExceptionCaught(cause);
      }
    }
  }

  /** Whether the remote will send nothing more (FIN or RST seen, or we sent RST). */
  boolean isRemoteDone() {
    return remoteFin || reset;
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
          if (remoteFin && !inputShutdownFired && !readCompletePending) {
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
          receiveWindow.onConsumed(length);
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
        maybeSendWindowUpdate();
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

  /** Sends ACK if still owed, and a window update once half the window has been consumed. */
  private void maybeSendWindowUpdate() {
    if (!open || reset || session.isClosed()) {
      return;
    }
    if (remoteFin && !ackNeeded) {
      return; // the remote sends nothing more; no need to re-open the window
    }
    long delta = receiveWindow.takeUpdate(ackNeeded, session.rttNanos(), System.nanoTime());
    if (delta < 0) {
      return;
    }
    int flags = 0;
    if (ackNeeded) {
      ackNeeded = false;
      flags = YamuxFrame.FLAG_ACK;
      session.inboundAccepted(this);
    }
    session.writeControlFrame(YamuxFrame.windowUpdate(streamId, flags, delta));
  }

  private void releaseInbound() {
    for (ByteBuf buf; (buf = inbound.poll()) != null; ) {
      buf.release();
    }
    bufferedBytes = 0;
  }

  // ---------------------------------------------------------------- writing and closing

  private void sendFin() {
    finPending = false;
    if (localFin || reset || session.isClosed()) {
      return;
    }
    maybeSendWindowUpdate(); // an owed ACK goes first
    localFin = true;
    session.writeFrame(YamuxFrame.windowUpdate(streamId, YamuxFrame.FLAG_FIN, 0));
    if (finPromise != null) {
      finPromise.trySuccess();
      finPromise = null;
    }
  }

  private void sendReset() {
    if (!session.isClosed()) {
      session.writeFrame(YamuxFrame.windowUpdate(streamId, YamuxFrame.FLAG_RST, 0));
      session.flushIfNeeded();
    }
    reset = true;
  }

  private void closeWithCause(Throwable cause, ChannelPromise promise) {
    ((StreamUnsafe) unsafe()).closeWithCause(cause, promise);
  }

  private void setWritabilityBit(int bit, boolean writable) {
    ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
    if (buffer != null) {
      buffer.setUserDefinedWritability(bit, writable);
    }
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
    writing = true;
    try {
      do {
        resumedWhileWriting = false;
        writeFrames(in);
      } while (resumedWhileWriting);
    } finally {
      writing = false;
    }
  }

  private void writeFrames(ChannelOutboundBuffer in) {
    if (reset || localFin || session.isClosed()) {
      return; // close() fails what is left
    }
    if (ackNeeded) {
      maybeSendWindowUpdate(); // accept the stream before its first data
    }
    int maxFrame = session.config().maxDataFrameSize();
    for (;;) {
      Object msg = in.current();
      if (msg == null) {
        break;
      }
      ByteBuf buf = (ByteBuf) msg;
      int readable = buf.readableBytes();
      if (readable == 0) {
        in.remove();
        continue;
      }
      if (sendWindow == 0) {
        break;
      }
      if (!session.channel().isWritable()) {
        // The connection holds all it should queue: wait for it to drain, as go's streams block.
        if (!waitingForConnection) {
          waitingForConnection = true;
          session.waitForConnection(this);
        }
        break;
      }
      int length = (int) Math.min(Math.min(readable, sendWindow), maxFrame);
      if (!scope.tryReserveMemory(length)) {
        // Bytes the remote has not read fill a scope: wait, unwritable, until some are written.
        if (!waitingForMemory) {
          waitingForMemory = true;
          session.waitForMemory(this);
        }
        break;
      }
      ByteBuf payload = buf.retainedSlice(buf.readerIndex(), length);
      sendWindow -= length;
      session.writeData(YamuxFrame.data(streamId, 0, payload), scope, length);
      in.removeBytes(length);
    }
    setWritabilityBit(WINDOW_OPEN_BIT, sendWindow > 0);
    setWritabilityBit(MEMORY_BIT, !waitingForMemory);
    if (finPending && in.isEmpty()) {
      sendFin();
    }
    session.flushIfNeeded();
  }

  @Override
  protected Object filterOutboundMessage(Object msg) throws ChannelOutputShutdownException {
    if (!(msg instanceof ByteBuf)) {
      throw new UnsupportedOperationException("a yamux stream writes ByteBufs only, not "
          + (msg == null ? "null" : msg.getClass().getName()));
    }
    if (localFin || finPending || reset) {
      throw new ChannelOutputShutdownException("yamux stream " + streamId + " output is shut down");
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
    receiveWindow.releaseGrowth(); // nothing more is buffered for this stream
    scope.releaseMemory(session.config().initialStreamWindow()); // charged by the session at open
    if (!reset && !session.isClosed()) {
      if (pendingWritesAtClose) {
        sendReset(); // the remote must not take a truncated stream for a complete one
      } else if (!localFin) {
        int flags = YamuxFrame.FLAG_FIN;
        if (ackNeeded) {
          // Like go: closing a stream never accepted still accepts it, then finishes it.
          ackNeeded = false;
          flags |= YamuxFrame.FLAG_ACK;
          session.inboundAccepted(this);
        }
        localFin = true;
        session.writeFrame(YamuxFrame.windowUpdate(streamId, flags, 0));
      }
      session.flushIfNeeded();
    }
    if (finPromise != null) {
      finPromise.tryFailure(new ClosedChannelException());
      finPromise = null;
    }
    if (awaitingAck) {
      awaitingAck = false; // give the SYN credit back, as go does
      session.outboundAcked(this);
    }
    if (ackNeeded) {
      ackNeeded = false;
      session.inboundAccepted(this);
    }
    scope.done();
    session.streamClosed(this);
  }

  @Override
  protected void doBeginRead() {
    if (!open) {
      return;
    }
    readRequested = true;
    if (ackNeeded) {
      maybeSendWindowUpdate(); // the application reads: accept the stream
      session.flushIfNeeded();
    }
    deliver();
  }

  @Override
  protected void doRegister(ChannelPromise promise) {
    // Now that the channel has an event loop, a writability change can be fired.
    setWritabilityBit(PARENT_WRITABLE_BIT, session.channel().isWritable());
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
    throw new UnsupportedOperationException("a yamux stream cannot be bound");
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
      promise.setFailure(new UnsupportedOperationException("a yamux stream cannot connect"));
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

    void writeQueued() {
      flush0();
    }
  }
}
