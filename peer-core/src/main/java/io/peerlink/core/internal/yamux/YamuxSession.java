package io.peerlink.core.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.resource.ConnectionScope;
import io.peerlink.core.internal.muxer.MuxerSession;
import io.peerlink.core.internal.resource.StreamScope;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A yamux session on one connection: install it on the secured (plaintext) pipeline and it adds its
 * {@link YamuxFrameDecoder} and {@link YamuxFrameEncoder} in front of itself. Every stream is a
 * {@link YamuxStreamChannel}, a child channel on the connection's event loop.
 *
 * <p>The client (connection initiator) opens odd stream IDs from 1, the server even IDs from 2; IDs
 * are never reused. An inbound SYN creates a child whose pipeline gets the inbound initializer
 * before the child is registered; a session without an initializer refuses inbound streams with
 * RST. {@link #openStream()} sends a window update with SYN at once, and data may follow before
 * the ACK.
 *
 * <p>Protocol violations (wrong stream-ID parity, duplicate SYN, a frame for a stream never opened,
 * a window overrun, a malformed frame) send go away with {@link GoAwayCode#PROTOCOL_ERROR}, fire a
 * {@link ProtocolViolationException} through {@code exceptionCaught} and close the connection.
 * Frames for streams that were closed or reset are ignored (as go does). After go away was sent or
 * received no new stream is opened and inbound SYNs get RST. Closing the connection through the
 * pipeline sends go away (normal) first; when the connection closes every stream closes.
 *
 * <p>Frames are written as they are produced and flushed once per child flush, or once at the end
 * of the connection's read batch for everything produced while reading. All state lives on the
 * connection's event loop; {@link #openStream}, {@link #ping} and {@link #goAway} may be called from
 * any thread.
 */
public final class YamuxSession extends ChannelDuplexHandler implements MuxerSession {
  /** How soon a stream waiting for memory tries again when no write of this connection frees any. */
  private static final long MEMORY_RETRY_MILLIS = 10;

  private final boolean client;
  private final YamuxConfig config;
  private final ChannelHandler inboundStreamInitializer;
  private final LongObjectMap<YamuxStreamChannel> streams = new LongObjectHashMap<>();
  private final PingTracker pings;

  private ChannelHandlerContext ctx;
  private long nextStreamId;
  private long highestRemoteStreamId;
  private int unackedOutbound;
  private int pendingInbound;
  private boolean localGoAway;
  private volatile boolean remoteGoAway;
  private boolean started;
  private boolean closed;
  /** Whether this side closed the connection (through the pipeline), rather than losing it. */
  private boolean closedLocally;
  /** Why the connection ended when it did not end cleanly: a transport error or a session failure. */
  private Throwable endCause;
  private boolean inReadBatch;
  private boolean flushPending;
  /** Control frames queued since the connection last was writable; bounded by the config. */
  private int pendingControlFrames;
  /** Set once the remote owed more control frames than allowed: the rest are dropped, the session fails. */
  private boolean controlFramesOverflowed;
  private List<YamuxStreamChannel> readCompletePending = new ArrayList<>();
  private KeepAlive keepAlive;
  private long lastFrameReadNanos = System.nanoTime();
  /** Bytes of window growth the connection's streams may still take, together. */
  private final WindowBudget windowBudget;
  /** Payload bytes of the data frame being read that are still to come. */
  private long payloadRemaining;
  /** The stream the payload being read belongs to; null discards it. */
  private YamuxStreamChannel payloadStream;
  /** Whether the data frame being read carries FIN, applied after its last payload byte. */
  private boolean payloadFin;
  private volatile LongConsumer roundTripObserver;
  /** Charges this connection's streams and their bytes; see {@link ConnectionScope}. */
  private final ConnectionScope resources;
  /** Streams with data to send that waits for memory (a scope full of bytes the remote has not read). */
  private final ArrayDeque<YamuxStreamChannel> waitingForMemory = new ArrayDeque<>();
  private boolean memoryRetryPending;
  /**
   * Streams with data to send that wait for the connection to be writable again, in the order
   * they stopped, so that each takes its turn when the connection drains.
   */
  private final ArrayDeque<YamuxStreamChannel> waitingForConnection = new ArrayDeque<>();
  private boolean connectionResumePending;

  /**
   * @param client whether this side initiated the connection (odd stream IDs)
   * @param config limits and tuning
   * @param inboundStreamInitializer added to each inbound stream's pipeline (typically a
   *     {@link io.netty.channel.ChannelInitializer}); null refuses inbound streams
   */
  public YamuxSession(boolean client, YamuxConfig config, ChannelHandler inboundStreamInitializer) {
    this(client, config, inboundStreamInitializer, ConnectionScope.unlimited());
  }

  /**
   * As above, with the streams and their buffered bytes charged to {@code resources}: an inbound
   * stream over a stream limit is refused with RST, an outbound one fails with a
   * {@link LimitExceededException}; inbound bytes over a memory limit reset their stream; outbound
   * bytes over it wait in their stream until bytes already handed to the connection are written.
   */
  public YamuxSession(boolean client, YamuxConfig config, ChannelHandler inboundStreamInitializer,
      ConnectionScope resources) {
    this.resources = Objects.requireNonNull(resources, "resources");
    this.client = client;
    this.config = Objects.requireNonNull(config, "config");
    this.inboundStreamInitializer = inboundStreamInitializer;
    this.nextStreamId = client ? 1 : 2;
    this.pings = new PingTracker(config.pingTimeout().toNanos());
    this.windowBudget = new WindowBudget(config.maxConnectionWindowGrowth());
  }

  /** Whether this side is the client (odd stream IDs). */
  public boolean isClient() {
    return client;
  }

  /** The connection channel. Only valid once the handler was added to a pipeline. */
  public Channel channel() {
    return ctx.channel();
  }

  /** Opens an outbound stream; its pipeline is empty and the caller fills it. */
  public Future<Channel> openStream() {
    return openStream(null);
  }

  /**
   * Opens an outbound stream: sends window update + SYN and completes the future with the
   * registered, active {@link YamuxStreamChannel}. Fails with a {@link LimitExceededException} when
   * {@link YamuxConfig#maxConcurrentStreams()} or {@link YamuxConfig#maxUnackedOutboundStreams()}
   * is reached, and with a {@link PeerException} when the session is closed or going away.
   *
   * @param initializer added to the stream's pipeline before registration, or null
   */
  @Override
  public Future<Channel> openStream(ChannelHandler initializer) {
    ChannelHandlerContext c = requireContext();
    Promise<Channel> promise = c.executor().newPromise();
    runOnLoop(() -> openStream0(initializer, promise));
    return promise;
  }

  /** Sends a ping; the future completes with the round-trip time in nanoseconds or fails after the ping timeout. */
  @Override
  public Future<Long> ping() {
    ChannelHandlerContext c = requireContext();
    Promise<Long> promise = c.executor().newPromise();
    runOnLoop(() -> ping0(promise));
    return promise;
  }

  @Override
  public boolean supportsPing() {
    return true;
  }

  /** Sends go away with {@link GoAwayCode#NORMAL}; see {@link #goAway(GoAwayCode)}. */
  @Override
  public void goAway() {
    goAway(GoAwayCode.NORMAL);
  }

  /** Sends go away with {@code code} (once); afterwards no new streams are opened or accepted. */
  public void goAway(GoAwayCode code) {
    requireContext();
    runOnLoop(() -> {
      sendGoAway(code);
      flushIfNeeded();
    });
  }

  /** Whether the remote sent go away. */
  public boolean isRemoteGoAway() {
    return remoteGoAway;
  }

  /** Number of streams the session tracks (open, or closed locally awaiting the remote's FIN); read it on the event loop. */
  @Override
  public int streamCount() {
    return streams.size();
  }

  /**
   * Called on the event loop with every measured ping round trip in nanoseconds (keep-alive and
   * {@link #ping()} alike), so the owner can keep statistics; null removes it.
   */
  @Override
  public void onRoundTrip(LongConsumer observer) {
    this.roundTripObserver = observer;
  }

  /** The last measured ping round trip in nanoseconds, or 0 if none was measured yet. */
  public long rttNanos() {
    return pings.rttNanos();
  }

  // ---------------------------------------------------------------- pipeline events

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.pipeline().addBefore(ctx.name(), null, new YamuxFrameDecoder());
    ctx.pipeline().addBefore(ctx.name(), null, new YamuxFrameEncoder());
    if (ctx.channel().isActive()) {
      start();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
    ctx.fireChannelActive();
  }

  private void start() {
    if (started) {
      return;
    }
    started = true;
    long interval = config.keepAliveInterval().toNanos();
    if (interval > 0) {
      keepAlive = new KeepAlive(ctx.executor(), interval, this::ping0, () -> lastFrameReadNanos,
          dead -> fail(dead, GoAwayCode.NORMAL));
      keepAlive.start();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf payload) {
      onPayload(payload);
      return;
    }
    if (!(msg instanceof YamuxFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    inReadBatch = true;
    lastFrameReadNanos = System.nanoTime();
    if (closed) {
      frame.release();
      return;
    }
    try {
      switch (frame.type()) {
        case YamuxFrame.TYPE_PING -> onPing(frame);
        case YamuxFrame.TYPE_GO_AWAY -> onGoAway(frame);
        default -> onStreamFrame(frame);
      }
    } catch (ProtocolViolationException e) {
      fail(e, GoAwayCode.PROTOCOL_ERROR);
    } finally {
      frame.release(); // decoded headers hold no buffer; a frame built elsewhere may
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Children complete their read batch while still "in" ours, so everything they write in
    // channelReadComplete goes out with one flush of the connection.
    while (!readCompletePending.isEmpty()) {
      List<YamuxStreamChannel> children = readCompletePending;
      readCompletePending = new ArrayList<>();
      for (YamuxStreamChannel child : children) {
        child.onParentReadComplete();
      }
    }
    inReadBatch = false;
    flushIfNeeded();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    boolean writable = ctx.channel().isWritable();
    if (writable) {
      pendingControlFrames = 0; // the remote reads again
      if (!waitingForConnection.isEmpty() && !connectionResumePending) {
        // Not from here: this may run inside the socket's own flush.
        connectionResumePending = true;
        ctx.executor().execute(this::resumeWaitingForConnection);
      }
    }
    for (YamuxStreamChannel child : new ArrayList<>(streams.values())) {
      child.onParentWritabilityChanged(writable);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof ProtocolViolationException e) {
      fail(e, GoAwayCode.PROTOCOL_ERROR); // from the decoder
    } else {
      if (cause instanceof IOException && endCause == null) {
        endCause = cause; // a reset or I/O error: the channel closes next
      }
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    closedLocally = true;
    if (!closed && ctx.channel().isActive()) {
      sendGoAway(GoAwayCode.NORMAL);
      flushPending = false;
      ctx.flush();
    }
    ctx.close(promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    shutdown();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    shutdown();
  }

  private void shutdown() {
    if (closed) {
      return;
    }
    closed = true;
    if (keepAlive != null) {
      keepAlive.stop();
    }
    PeerException cause = SessionEnd.cause(ctx == null ? null : ctx.channel(), closedLocally, remoteGoAway, endCause);
    pings.failAll(cause);
    for (YamuxStreamChannel child : new ArrayList<>(streams.values())) {
      child.onSessionClosed(cause);
    }
    streams.clear();
    readCompletePending.clear();
    waitingForMemory.clear();
    waitingForConnection.clear();
  }

  // ---------------------------------------------------------------- inbound frames

  private void onPing(YamuxFrame frame) throws ProtocolViolationException {
    if (frame.streamId() != 0) {
      throw new ProtocolViolationException("yamux ping on stream " + frame.streamId());
    }
    if (frame.hasFlag(YamuxFrame.FLAG_SYN)) {
      writeControlFrame(YamuxFrame.ping(YamuxFrame.FLAG_ACK, frame.length()));
    } else if (frame.hasFlag(YamuxFrame.FLAG_ACK)) {
      pings.onAck(frame.length());
    }
  }

  private void onGoAway(YamuxFrame frame) throws ProtocolViolationException {
    if (frame.streamId() != 0) {
      throw new ProtocolViolationException("yamux go away on stream " + frame.streamId());
    }
    remoteGoAway = true;
    GoAwayCode code = GoAwayCode.of(frame.length());
    if (code != GoAwayCode.NORMAL) {
      // The remote gives up on the session because of an error: so do we (as go and js do).
      PeerError kind = code == GoAwayCode.PROTOCOL_ERROR ? PeerError.PROTOCOL : PeerError.IO;
      fail(new PeerException(kind, "remote sent yamux go away "
          + (code == null ? "code " + frame.length() : code.name())), null);
    }
  }

  private void onStreamFrame(YamuxFrame frame) throws ProtocolViolationException {
    long id = frame.streamId();
    if (id == 0) {
      throw new ProtocolViolationException("yamux stream frame on stream 0");
    }
    boolean data = frame.type() == YamuxFrame.TYPE_DATA;
    if (data) {
      payloadRemaining = frame.length(); // discarded unless handed to a stream below
      payloadStream = null;
      payloadFin = false;
    }
    YamuxStreamChannel child = streams.get(id);
    if (frame.hasFlag(YamuxFrame.FLAG_SYN)) {
      if (child != null) {
        throw new ProtocolViolationException("duplicate SYN for yamux stream " + id);
      }
      child = acceptStream(id);
      if (child == null) {
        return; // refused with RST; the payload is dropped
      }
    }
    if (child == null) {
      if (isRemoteId(id) ? id <= highestRemoteStreamId : id < nextStreamId) {
        return; // a stream closed or reset earlier: late frames are expected, their payload dropped
      }
      throw new ProtocolViolationException("yamux frame for unknown stream " + id + " without SYN");
    }
    if (frame.hasFlag(YamuxFrame.FLAG_ACK)) {
      child.onAck();
    }
    if (frame.hasFlag(YamuxFrame.FLAG_RST)) {
      child.onRemoteReset(frame.type() == YamuxFrame.TYPE_WINDOW_UPDATE ? frame.length() : 0);
      return;
    }
    if (!data) {
      child.onWindowUpdate(frame.length());
    } else if (!child.onDataFrame(frame.length())) {
      // Checked on the header, before any payload byte is passed on: the window is the bound.
      throw new ProtocolViolationException("yamux stream " + id + " sent a data frame of "
          + frame.length() + " bytes, more than the " + child.receiveCredit()
          + " bytes of window it was granted");
    } else if (frame.length() > 0) {
      payloadStream = child;
      payloadFin = frame.hasFlag(YamuxFrame.FLAG_FIN);
      return; // FIN is applied after the last payload byte
    }
    if (frame.hasFlag(YamuxFrame.FLAG_FIN)) {
      child.onRemoteFin();
    }
  }

  /** A piece of the current data frame's payload; delivered to its stream or released. */
  private void onPayload(ByteBuf payload) {
    inReadBatch = true;
    int length = payload.readableBytes();
    if (closed || length > payloadRemaining) {
      payload.release(); // the session failed mid-frame; the decoder never oversupplies
      return;
    }
    payloadRemaining -= length;
    YamuxStreamChannel child = payloadStream;
    if (child == null) {
      payload.release();
    } else {
      child.onPayload(payload);
    }
    if (payloadRemaining == 0) {
      payloadStream = null;
      if (payloadFin) {
        payloadFin = false;
        child.onRemoteFin();
      }
    }
  }

  /** Handles an inbound SYN: returns the new stream, or null if it was refused with RST. */
  private YamuxStreamChannel acceptStream(long id) throws ProtocolViolationException {
    if (!isRemoteId(id)) {
      throw new ProtocolViolationException("yamux SYN with our own parity on stream " + id
          + ": both endpoints are " + (client ? "clients" : "servers"));
    }
    highestRemoteStreamId = Math.max(highestRemoteStreamId, id);
    if (localGoAway || remoteGoAway || inboundStreamInitializer == null
        || streams.size() >= config.maxConcurrentStreams()
        || pendingInbound >= config.maxPendingInboundStreams()) {
      writeControlFrame(YamuxFrame.windowUpdate(id, YamuxFrame.FLAG_RST, 0));
      return null;
    }
    StreamScope scope = resources.openInbound();
    if (scope == null) {
      writeControlFrame(YamuxFrame.windowUpdate(id, YamuxFrame.FLAG_RST, 0)); // the refusal was logged
      return null;
    }
    try {
      scope.reserveWindow(config.initialStreamWindow());
    } catch (LimitExceededException e) {
      scope.done();
      writeControlFrame(YamuxFrame.windowUpdate(id, YamuxFrame.FLAG_RST, 0)); // the refusal was logged
      return null;
    }
    YamuxStreamChannel child = new YamuxStreamChannel(this, id, false, scope);
    streams.put(id, child);
    pendingInbound++;
    child.pipeline().addLast(inboundStreamInitializer);
    ctx.channel().eventLoop().register(child).addListener(f -> {
      if (!f.isSuccess()) {
        child.unsafe().closeForcibly();
      }
    });
    return child;
  }

  private boolean isRemoteId(long id) {
    return client == (id % 2 == 0);
  }

  // ---------------------------------------------------------------- outbound operations

  private void openStream0(ChannelHandler initializer, Promise<Channel> promise) {
    if (closed || !ctx.channel().isActive()) {
      promise.tryFailure(new PeerException(PeerError.IO, "yamux session is closed"));
      return;
    }
    if (localGoAway || remoteGoAway) {
      promise.tryFailure(new PeerException(PeerError.IO, "yamux session is going away"));
      return;
    }
    if (streams.size() >= config.maxConcurrentStreams()) {
      promise.tryFailure(new LimitExceededException(
          "maxConcurrentStreams (" + config.maxConcurrentStreams() + ") reached"));
      return;
    }
    if (unackedOutbound >= config.maxUnackedOutboundStreams()) {
      promise.tryFailure(new LimitExceededException(
          "maxUnackedOutboundStreams (" + config.maxUnackedOutboundStreams() + ") reached"));
      return;
    }
    if (nextStreamId > YamuxFrame.MAX_U32) {
      promise.tryFailure(new LimitExceededException("yamux stream IDs exhausted"));
      return;
    }
    StreamScope scope;
    try {
      scope = resources.openOutbound();
    } catch (LimitExceededException e) {
      promise.tryFailure(e);
      return;
    }
    try {
      scope.reserveWindow(config.initialStreamWindow());
    } catch (LimitExceededException e) {
      scope.done();
      promise.tryFailure(e);
      return;
    }
    long id = nextStreamId;
    nextStreamId += 2;
    YamuxStreamChannel child = new YamuxStreamChannel(this, id, true, scope);
    streams.put(id, child);
    unackedOutbound++;
    writeFrame(YamuxFrame.windowUpdate(id, YamuxFrame.FLAG_SYN,
        config.initialStreamWindow() - YamuxConfig.SPEC_INITIAL_WINDOW));
    if (initializer != null) {
      child.pipeline().addLast(initializer);
    }
    ctx.channel().eventLoop().register(child).addListener(f -> {
      if (!f.isSuccess()) {
        child.unsafe().closeForcibly();
        promise.tryFailure(f.cause());
      } else if (!promise.trySuccess(child)) {
        child.close(); // cancelled by the caller
      }
    });
    flushIfNeeded();
  }

  private void ping0(Promise<Long> promise) {
    if (closed) {
      promise.tryFailure(new PeerException(PeerError.IO, "yamux session is closed"));
      return;
    }
    long opaque = pings.start(ctx.executor(), promise);
    LongConsumer observer = roundTripObserver;
    if (observer != null) {
      promise.addListener(f -> {
        if (f.isSuccess()) {
          observer.accept((Long) f.getNow());
        }
      });
    }
    if (opaque >= 0) {
      writeFrame(YamuxFrame.ping(YamuxFrame.FLAG_SYN, opaque));
      flushIfNeeded();
    }
  }

  private void sendGoAway(GoAwayCode code) {
    if (!localGoAway && !closed) {
      localGoAway = true;
      writeFrame(YamuxFrame.goAway(code));
    }
  }

  /** Fails the session: go away (if a code is given), the exception downstream, then close. */
  private void fail(PeerException cause, GoAwayCode code) {
    if (closed) {
      return;
    }
    if (code != null) {
      sendGoAway(code);
    }
    if (endCause == null) {
      endCause = cause;
    }
    flushPending = false;
    ctx.flush();
    ctx.fireExceptionCaught(cause);
    ctx.close();
  }

  private ChannelHandlerContext requireContext() {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      throw new IllegalStateException("YamuxSession is not in a pipeline yet");
    }
    return c;
  }

  private void runOnLoop(Runnable task) {
    if (ctx.executor().inEventLoop()) {
      task.run();
    } else {
      ctx.executor().execute(task);
    }
  }

  // ---------------------------------------------------------------- for stream channels

  YamuxConfig config() {
    return config;
  }

  WindowBudget windowBudget() {
    return windowBudget;
  }

  boolean isClosed() {
    return closed;
  }

  boolean inReadBatch() {
    return inReadBatch;
  }

  void writeFrame(YamuxFrame frame) {
    ctx.write(frame, ctx.voidPromise());
    flushPending = true;
  }

  /**
   * Writes a data frame whose {@code bytes} were charged to {@code scope}; they are given back once
   * written to the socket (or failed), and streams waiting for memory try again then.
   */
  void writeData(YamuxFrame frame, StreamScope scope, int bytes) {
    ChannelPromise written = ctx.newPromise();
    written.addListener(f -> {
      scope.releaseMemory(bytes);
      if (!waitingForMemory.isEmpty() && !memoryRetryPending) {
        memoryRetryPending = true;
        ctx.executor().execute(this::retryWaitingForMemory);
      }
    });
    ctx.write(frame, written);
    flushPending = true;
  }

  /**
   * {@code child} has bytes to send and no memory to charge them to. It tries again when this
   * connection's bytes are written, or after {@value #MEMORY_RETRY_MILLIS} ms, since the scope
   * that is full may be a peer's or the host's, which other connections drain.
   */
  void waitForMemory(YamuxStreamChannel child) {
    waitingForMemory.add(child); // the stream asks only once until retried
    if (!memoryRetryPending) {
      memoryRetryPending = true;
      ctx.executor().schedule(this::retryWaitingForMemory, MEMORY_RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * {@code child} has bytes to send but the connection holds all it should queue (above its write
   * buffer's high water mark, so the remote or the network is slower than the writers). It writes
   * again when the connection becomes writable. Without this a stream would hand the connection
   * all its send window allows, and a slow reader would leave tens of MiB queued, charged to the
   * connection's memory limit, where they starve every new stream's window.
   */
  void waitForConnection(YamuxStreamChannel child) {
    waitingForConnection.add(child); // the stream asks only once until resumed
  }

  private void resumeWaitingForConnection() {
    connectionResumePending = false;
    // Each waiting stream in turn, while the connection takes more; one that fills it again waits
    // at the back, so streams share the connection rather than the first one taking it all.
    for (int n = waitingForConnection.size(); n > 0 && !closed && ctx.channel().isWritable(); n--) {
      waitingForConnection.poll().resumeWrite();
    }
    flushIfNeeded();
  }

  private void retryWaitingForMemory() {
    memoryRetryPending = false;
    if (closed) {
      return;
    }
    for (int n = waitingForMemory.size(); n > 0; n--) {
      YamuxStreamChannel child = waitingForMemory.poll();
      child.retryWrite(); // may wait again, at the back
    }
    flushIfNeeded();
  }

  /**
   * Writes a frame the remote made us owe it (a ping reply, a window update, an RST refusing its
   * stream). While the connection is not writable, the remote is not reading what we send: at most
   * {@link YamuxConfig#maxPendingControlFrames()} such frames are queued, then the session fails
   * and drops the rest, so a peer that provokes replies it never reads cannot fill our memory.
   */
  void writeControlFrame(YamuxFrame frame) {
    if (ctx.channel().isWritable()) {
      pendingControlFrames = 0;
    } else if (++pendingControlFrames > config.maxPendingControlFrames() || controlFramesOverflowed) {
      frame.release();
      if (!controlFramesOverflowed) {
        controlFramesOverflowed = true;
        resources.controlFramesExceeded(config.maxPendingControlFrames());
        // Not from here: this may run inside a stream's own bookkeeping.
        ctx.executor().execute(() -> fail(new LimitExceededException("maxPendingControlFrames ("
            + config.maxPendingControlFrames() + ") reached: the remote does not read the replies it asks for"),
            GoAwayCode.INTERNAL_ERROR));
      }
      return;
    }
    writeFrame(frame);
  }

  /** Flushes now, unless inside a read batch (then channelReadComplete flushes). */
  void flushIfNeeded() {
    if (flushPending && !inReadBatch) {
      flushPending = false;
      ctx.flush();
    }
  }

  void readCompleteLater(YamuxStreamChannel child) {
    readCompletePending.add(child);
  }

  void outboundAcked(YamuxStreamChannel child) {
    unackedOutbound--;
  }

  void inboundAccepted(YamuxStreamChannel child) {
    pendingInbound--;
  }

  /** A stream channel closed; forget it unless the remote may still send on it. */
  void streamClosed(YamuxStreamChannel child) {
    if (!closed && child.isRemoteDone()) {
      streams.remove(child.streamId());
    }
  }

  /** A closed stream is finished in both directions. */
  void streamFinished(YamuxStreamChannel child) {
    if (!closed) {
      streams.remove(child.streamId());
    }
  }
}
