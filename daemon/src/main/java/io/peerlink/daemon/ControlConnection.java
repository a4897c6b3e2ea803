package io.peerlink.daemon;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.spi.LengthPrefixedFrameDecoder;
import io.peerlink.daemon.internal.proto.ControlProtos.Request;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection to the control socket. Requests are read and answered one at a time, as
 * p2pd does: the next request is not read before the answer to this one is written. Each request
 * is read by a fresh one-frame length-prefixed decoder, so after STREAM_OPEN the bytes behind the
 * request are the stream's, not another request.
 *
 * <p>A request that is not a valid message, or that a handler cannot carry out, gets an ERROR and
 * the connection reads the next request. Only a broken frame (a length prefix over the limit, or
 * not a varint) ends the connection, after an ERROR: past it, there is no telling where the next
 * request starts.
 */
final class ControlConnection extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);
  static final String FRAME = "control-frame";
  static final String NAME = "control";

  private final Daemon daemon;
  /** Bytes read behind the request being answered: the next request, or a stream's first bytes. */
  private final ArrayDeque<ByteBuf> behind = new ArrayDeque<>();
  private boolean busy;
  private boolean streaming;

  ControlConnection(Daemon daemon) {
    this.daemon = daemon;
  }

  /**
   * Sets up an accepted control connection.
   *
   * @param channel the accepted channel
   * @param daemon the daemon it controls
   */
  static void install(Channel channel, Daemon daemon) {
    channel.pipeline().addLast(FRAME, newDecoder(daemon))
        .addLast(NAME, new ControlConnection(daemon));
  }

  private static LengthPrefixedFrameDecoder newDecoder(Daemon daemon) {
    return LengthPrefixedFrameDecoder.oneFrame("daemon control", daemon.limits().maxMessageBytes());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy) {
      // Read behind the request: hold it, and read no more until the answer is out.
      behind.add(buf);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    busy = true;
    ctx.channel().config().setAutoRead(false);
    Request request;
    try {
      request = ControlCodec.parseRequest(buf);
    } catch (ProtocolViolationException e) {
      answered(ctx, ControlCodec.error("malformed request: " + e.getMessage()));
      return;
    } finally {
      buf.release();
    }
    CompletableFuture<Void> done;
    try {
      done = handle(ctx, request);
    } catch (RuntimeException e) {
      // A field that does not parse (a peer ID, an address): the client's mistake, not ours.
      log.debug("{}: request {} failed: {}", ctx.channel(), request.getType(), e.toString());
      answered(ctx, ControlCodec.error(request.getType() + " failed: " + Failures.message(e)));
      return;
    }
    done.whenComplete((v, err) -> ctx.executor().execute(() -> {
      if (err != null) {
        answered(ctx, ControlCodec.error(request.getType() + " failed: " + Failures.message(err)));
      } else if (!streaming) {
        readNext(ctx);
      }
    }));
  }

  private CompletableFuture<Void> handle(ChannelHandlerContext ctx, Request request) {
    ControlReplies replies = message -> send(ctx, message);
    return switch (request.getType()) {
      case IDENTIFY -> reply(replies, daemon.peers().identify());
      case CONNECT -> daemon.peers().connect(request.getConnect()).thenAccept(replies::send);
      case DISCONNECT -> daemon.peers().disconnect(request.getDisconnect()).thenAccept(replies::send);
      case LIST_PEERS -> reply(replies, daemon.peers().listPeers());
      case PEERSTORE -> reply(replies, daemon.peers().peerstore(request.getPeerStore()));
      case CONNMANAGER -> reply(replies, daemon.connManager().handle(request.getConnManager()));
      case STREAM_HANDLER -> reply(replies, daemon.handlers().register(request.getStreamHandler()));
      case DHT -> daemon.dht().handle(request.getDht(), replies);
      case PUBSUB -> reply(replies, ControlCodec.error("pubsub is not supported by the peerlink daemon"));
      case STREAM_OPEN -> openStream(ctx, request);
    };
  }

  private CompletableFuture<Void> openStream(ChannelHandlerContext ctx, Request request) {
    // Completes on this connection's event loop once the socket is the stream (or the request
    // failed, and the ERROR answer is up to the caller).
    CompletableFuture<Void> finished = new CompletableFuture<>();
    daemon.streams().open(request.getStreamOpen()).whenComplete((opened, err) -> ctx.executor().execute(() -> {
      if (err != null) {
        finished.completeExceptionally(err);
        return;
      }
      Channel socket = ctx.channel();
      if (!socket.isActive()) {
        opened.stream().channel().close();
        finished.complete(null);
        return;
      }
      // From here on the socket carries the stream: hand over what was read behind the
      // request, then step aside.
      streaming = true;
      send(ctx, opened.response());
      HeldBytes.install(socket);
      HeldBytes held = (HeldBytes) socket.pipeline().get(HeldBytes.NAME);
      behind.forEach(held::hold);
      behind.clear();
      socket.pipeline().remove(this);
      Splice.join(socket, opened.stream().channel());
      finished.complete(null);
    }));
    return finished;
  }

  private static CompletableFuture<Void> reply(ControlReplies replies, Response response) {
    replies.send(response);
    return CompletableFuture.completedFuture(null);
  }

  private void send(ChannelHandlerContext ctx, MessageLite message) {
    ctx.writeAndFlush(ControlCodec.encode(ctx.alloc(), message, daemon.limits().maxMessageBytes()));
  }

  private void answered(ChannelHandlerContext ctx, Response response) {
    send(ctx, response);
    readNext(ctx);
  }

  /**
   * Puts a fresh decoder in front and feeds it what was read behind the last request. Runs as a
   * task of its own: while a request is handled, the decoder that read it is still leaving.
   */
  private void readNext(ChannelHandlerContext ctx) {
    ctx.executor().execute(() -> readNextNow(ctx));
  }

  private void readNextNow(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive() || ctx.isRemoved()) {
      return;
    }
    busy = false;
    ctx.pipeline().addBefore(NAME, FRAME, newDecoder(daemon));
    ctx.channel().config().setAutoRead(true);
    // Replayed bytes may hold a whole request: what its decoder hands back lands in `behind`
    // again, ahead of what is still waiting here.
    ArrayDeque<ByteBuf> waiting = new ArrayDeque<>(behind);
    behind.clear();
    while (!waiting.isEmpty() && !busy) {
      ctx.pipeline().fireChannelRead(waiting.poll());
    }
    behind.addAll(waiting);
    if (!busy) {
      ctx.pipeline().fireChannelReadComplete();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof PeerException) {
      // The frame decoder refused a length prefix: answer, then close, since the stream of
      // requests cannot be followed past it.
      log.debug("{}: bad control frame: {}", ctx.channel(), cause.getMessage());
      ctx.writeAndFlush(ControlCodec.encode(ctx.alloc(), ControlCodec.error(cause.getMessage()),
          daemon.limits().maxMessageBytes())).addListener(f -> ctx.close());
      return;
    }
    log.debug("{}: control connection failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    behind.forEach(ReferenceCountUtil::release);
    behind.clear();
    ctx.fireChannelInactive();
  }
}
