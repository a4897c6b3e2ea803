package io.peerlink.core.internal.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.peerlink.core.ConnectionLostException;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.muxer.MuxerSession;
import io.peerlink.core.internal.resource.ConnectionScope;
import io.peerlink.core.internal.resource.StreamScope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * An mplex ({@code /mplex/6.7.0}) session on a secured connection: put it on the pipeline once
 * the muxer is agreed; it adds its frame decoder and encoder before itself. Each stream is an
 * {@link MplexStreamChannel}, a child channel on the connection's event loop.
 *
 * <p>Stream IDs are counted from 0 by each side for the streams it opens, as go and js do; a
 * stream is known by its ID and by who opened it, which every flag but NewStream carries. A
 * NewStream over {@link MplexConfig#maxStreams()}, or refused by the resource manager, is
 * answered with a reset. Messages for a stream this side no longer knows (closed, reset) are
 * dropped. A malformed frame fails the connection. mplex has no ping and no go-away.
 */
public final class MplexSession extends ChannelDuplexHandler implements MuxerSession {
  private final MplexConfig config;
  private final ChannelHandler inboundStreamInitializer;
  private final ConnectionScope resources;
  /** Streams this side opened, by ID. */
  private final Map<Long, MplexStreamChannel> outbound = new HashMap<>();
  /** Streams the remote opened, by ID. */
  private final Map<Long, MplexStreamChannel> inbound = new HashMap<>();
  private List<MplexStreamChannel> readCompletePending = new ArrayList<>();
  private ChannelHandlerContext ctx;
  private long nextStreamId;
  private boolean inReadBatch;
  private boolean flushPending;
  private boolean closed;
  private Throwable endCause;

  /**
   * Creates the session for one connection.
   *
   * @param maxFrameSize see {@link MplexConfig#maxFrameSize()}
   * @param maxStreams see {@link MplexConfig#maxStreams()}
   * @param maxBufferedBytes see {@link MplexConfig#maxBufferedBytes()}
   * @param inboundStreamInitializer the handler put on every stream the remote opens (sharable)
   * @param resources the connection's resource scope; each stream takes a scope from it
   */
  public MplexSession(int maxFrameSize, int maxStreams, int maxBufferedBytes,
      ChannelHandler inboundStreamInitializer, ConnectionScope resources) {
    this.config = new MplexConfig(maxFrameSize, maxStreams, maxBufferedBytes);
    this.inboundStreamInitializer = Objects.requireNonNull(inboundStreamInitializer, "inboundStreamInitializer");
    this.resources = Objects.requireNonNull(resources, "resources");
  }

  // ---------------------------------------------------------------- MuxerSession

  @Override
  public Future<Channel> openStream(ChannelHandler initializer) {
    Channel parent = requireContext().channel();
    Promise<Channel> promise = parent.eventLoop().newPromise();
    runOnLoop(() -> openStream0(initializer, promise));
    return promise;
  }

  @Override
  public int streamCount() {
    return outbound.size() + inbound.size();
  }

  @Override
  public boolean supportsPing() {
    return false;
  }

  @Override
  public Future<Long> ping() {
    throw new UnsupportedOperationException("mplex has no ping");
  }

  @Override
  public void goAway() {
    // mplex cannot announce it; closing the connection says it all.
  }

  @Override
  public void onRoundTrip(LongConsumer observer) {
    // mplex measures no round trips.
  }

  // ---------------------------------------------------------------- pipeline events

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.pipeline().addBefore(ctx.name(), null, new MplexFrameDecoder(config.maxFrameSize()));
    ctx.pipeline().addBefore(ctx.name(), null, new MplexFrameEncoder());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof MplexFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    inReadBatch = true;
    try {
      if (!closed) {
        onFrame(frame);
      }
    } catch (ProtocolViolationException e) {
      fail(e);
    } finally {
      frame.release();
    }
  }

  private void onFrame(MplexFrame frame) throws ProtocolViolationException {
    long id = frame.streamId();
    if (frame.flag() == MplexFrame.NEW_STREAM) {
      acceptStream(id);
      return;
    }
    // The sender opened the stream (an initiator flag): it is one the remote opened.
    MplexStreamChannel child = frame.fromInitiator() ? inbound.get(id) : outbound.get(id);
    if (child == null) {
      return; // closed or reset on our side already; go and js drop these too
    }
    switch (frame.flag()) {
      case MplexFrame.MESSAGE_INITIATOR, MplexFrame.MESSAGE_RECEIVER -> child.onMessage(frame.data().retain());
      case MplexFrame.CLOSE_INITIATOR, MplexFrame.CLOSE_RECEIVER -> child.onRemoteClose();
      default -> child.onRemoteReset();
    }
  }

  private void acceptStream(long id) throws ProtocolViolationException {
    if (inbound.containsKey(id)) {
      throw new ProtocolViolationException("mplex: the remote opened stream " + id + " twice");
    }
    if (streamCount() >= config.maxStreams()) {
      writeFrame(MplexFrame.reset(id, false, emptyBuffer())); // we are the receiver
      return;
    }
    StreamScope scope = resources.openInbound();
    if (scope == null) {
      writeFrame(MplexFrame.reset(id, false, emptyBuffer())); // the refusal was logged
      return;
    }
    MplexStreamChannel child = new MplexStreamChannel(this, id, false, scope);
    inbound.put(id, child);
    child.pipeline().addLast(inboundStreamInitializer);
    ctx.channel().eventLoop().register(child).addListener(f -> {
      if (!f.isSuccess()) {
        child.unsafe().closeForcibly();
      }
    });
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Children complete their read batch inside ours, so what they write goes out in one flush.
    while (!readCompletePending.isEmpty()) {
      List<MplexStreamChannel> children = readCompletePending;
      readCompletePending = new ArrayList<>();
      for (MplexStreamChannel child : children) {
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
    for (MplexStreamChannel child : children()) {
      child.onParentWritabilityChanged(writable);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (endCause == null) {
      endCause = cause;
    }
    ctx.fireExceptionCaught(cause);
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
    PeerException cause = endCause instanceof PeerException pe ? pe
        : new ConnectionLostException("the connection carrying this mplex stream closed"
            + (endCause != null ? ": " + endCause : ""), endCause);
    for (MplexStreamChannel child : children()) {
      child.onSessionClosed(cause);
    }
    outbound.clear();
    inbound.clear();
    readCompletePending.clear();
  }

  private void fail(PeerException cause) {
    if (closed) {
      return;
    }
    if (endCause == null) {
      endCause = cause;
    }
    // What we owe goes out first (refusals, resets): closing with it unflushed would fail those
    // writes, and their void promises would report a bare ClosedChannelException on the connection.
    flushPending = false;
    ctx.flush();
    ctx.fireExceptionCaught(cause);
    ctx.close();
    // The decoder may still hand us frames from the same read: they must not open streams on a
    // connection that is closing (their writes would fail with a bare ClosedChannelException).
    shutdown();
  }

  // ---------------------------------------------------------------- outbound

  private void openStream0(ChannelHandler initializer, Promise<Channel> promise) {
    if (closed || !ctx.channel().isActive()) {
      promise.tryFailure(new PeerException(PeerError.IO, "mplex session is closed"));
      return;
    }
    if (streamCount() >= config.maxStreams()) {
      promise.tryFailure(new LimitExceededException("mplex: " + config.maxStreams()
          + " streams open, the most PeerConfig.maxStreamsPerPeer allows"));
      return;
    }
    if (nextStreamId > MplexFrame.MAX_STREAM_ID) {
      promise.tryFailure(new LimitExceededException("mplex stream IDs exhausted"));
      return;
    }
    StreamScope scope;
    try {
      scope = resources.openOutbound();
    } catch (LimitExceededException e) {
      promise.tryFailure(e);
      return;
    }
    long id = nextStreamId++;
    MplexStreamChannel child = new MplexStreamChannel(this, id, true, scope);
    outbound.put(id, child);
    // The stream's name is only for people reading traces; go and js name it by its ID too.
    writeFrame(new MplexFrame(id, MplexFrame.NEW_STREAM,
        Unpooled.copiedBuffer(Long.toString(id), StandardCharsets.US_ASCII)));
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

  // ---------------------------------------------------------------- for the stream channels

  Channel channel() {
    return requireContext().channel();
  }

  MplexConfig config() {
    return config;
  }

  boolean isClosed() {
    return closed;
  }

  boolean inReadBatch() {
    return inReadBatch;
  }

  ByteBuf emptyBuffer() {
    return Unpooled.EMPTY_BUFFER;
  }

  void writeFrame(MplexFrame frame) {
    if (closed) {
      frame.release();
      return;
    }
    ctx.write(frame, ctx.voidPromise());
    flushPending = true;
  }

  /** Flushes now, or at the end of the read batch when inside one (one flush for many streams). */
  void flushIfNeeded() {
    if (flushPending && !inReadBatch && ctx != null) {
      flushPending = false;
      ctx.flush();
    }
  }

  void readCompleteLater(MplexStreamChannel child) {
    readCompletePending.add(child);
  }

  void streamClosed(MplexStreamChannel child) {
    Map<Long, MplexStreamChannel> map = child.isInitiator() ? outbound : inbound;
    map.remove(child.streamId(), child);
  }

  private List<MplexStreamChannel> children() {
    List<MplexStreamChannel> all = new ArrayList<>(outbound.values());
    all.addAll(inbound.values());
    return all;
  }

  private ChannelHandlerContext requireContext() {
    if (ctx == null) {
      throw new IllegalStateException("the mplex session is not on a pipeline yet");
    }
    return ctx;
  }

  private void runOnLoop(Runnable task) {
    EventLoop loop = requireContext().channel().eventLoop();
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }
}
