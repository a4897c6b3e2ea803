package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.StreamMuxer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.mplex.MplexConfig;
import io.peerlink.core.internal.mplex.MplexSession;
import io.peerlink.core.internal.multistream.MultistreamInitiator;
import io.peerlink.core.internal.multistream.MultistreamResponder;
import io.peerlink.core.internal.muxer.MuxerSession;
import io.peerlink.core.internal.resource.ConnectionScope;
import io.peerlink.core.internal.security.SecureSession;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.RefusalLog;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a raw byte channel into a ready {@link Peer}: multistream-select picks the security
 * protocol, TLS or Noise (or the test-only plaintext) authenticates the remote, the muxer is
 * agreed (inside the handshake when both sides support it, else with multistream-select), and its
 * session starts: yamux, or mplex where configured.
 *
 * <pre>
 * channel ─> [mss security] ─> [TLS | Noise | plaintext] ─> [mss muxer] ─> yamux | mplex ─> streams
 * </pre>
 *
 * <p>The channel can be a TCP socket or, for a relayed connection, a yamux stream to the relay:
 * the stages are the same. The whole upgrade is bounded by {@code PeerConfig.handshakeTimeout}.
 */
public final class ConnectionUpgrader extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionUpgrader.class);
  /** Inbound handshakes that fail are refused inputs: operators see them, a flood does not flood the log. */
  private static final RefusalLog REFUSALS = new RefusalLog(log);
  private static final String NAME = "peerlink-upgrade";

  private final HostCore core;
  private final Direction direction;
  private final PeerId expected;
  private final ConnectionPath path;
  private final CompletableFuture<Peer> result;
  private final ConnectionLifecycle lifecycle;
  private PeerConnection conn;
  private final Multiaddr remoteAddress;
  private final ConnectionLimit limit;
  private ScheduledFuture<?> timeout;
  private boolean done;
  /** This connection's share of the host's resources, taken once the remote is authenticated. */
  private ConnectionScope resources;

  private ConnectionUpgrader(HostCore core, Direction direction, PeerId expected, ConnectionPath path,
      ConnectionLifecycle lifecycle, Multiaddr remoteAddress,
      ConnectionLimit limit, CompletableFuture<Peer> result) {
    this.remoteAddress = remoteAddress;
    this.limit = limit;
    this.core = core;
    this.lifecycle = lifecycle;
    this.direction = direction;
    this.expected = expected;
    this.path = path;
    this.result = result != null ? result : new CompletableFuture<>();
  }

  /**
   * Installs the upgrade on {@code ch}. For {@link Direction#OUTBOUND}, {@code expected} is the peer
   * ID the remote must prove. {@code result} (may be null for inbound) completes with the ready peer.
   */
  public static void install(HostCore core, Channel ch, Direction direction, PeerId expected,
      CompletableFuture<Peer> result) {
    install(core, ch, direction, expected, ConnectionPath.DIRECT, result);
  }

  /** As {@link #install(HostCore, Channel, Direction, PeerId, CompletableFuture)}, for any path. */
  public static void install(HostCore core, Channel ch, Direction direction, PeerId expected,
      ConnectionPath path, CompletableFuture<Peer> result) {
    install(core, ch, direction, expected, path, null, null, result);
  }

  /**
   * As above, for a connection whose channel does not know its remote address (a relayed one over
   * a stream): {@code remoteAddress} is what {@link Peer#remoteAddress()} reports (null: from the
   * channel), and {@code limit} (null: none) makes the connection limited.
   */
  public static void install(HostCore core, Channel ch, Direction direction, PeerId expected,
      ConnectionPath path, Multiaddr remoteAddress,
      ConnectionLimit limit, CompletableFuture<Peer> result) {
    Multiaddr addr = remoteAddress;
    if (addr == null) {
      SocketAddress remote = ch.remoteAddress();
      addr = remote instanceof InetSocketAddress s
          ? Multiaddr.fromSocketAddress(s)
          : Multiaddr.parse("/p2p-circuit");
    }
    install(core, ch, direction, expected, path, ConnectionLifecycle.start(core, direction, addr, expected),
        remoteAddress, limit, result);
  }

  /**
   * Installs the upgrade with a lifecycle that already exists (a dial creates it before TCP
   * connects, so the CONNECTING state covers the connect). The lifecycle moves to HANDSHAKING once
   * the channel is active, then to CONNECTED or DISCONNECTED.
   */
  public static void install(HostCore core, Channel ch, Direction direction, PeerId expected,
      ConnectionPath path, ConnectionLifecycle lifecycle, CompletableFuture<Peer> result) {
    install(core, ch, direction, expected, path, lifecycle, null, null, result);
  }

  /** The full form: an existing lifecycle, and a relayed connection's address and limit. */
  public static void install(HostCore core, Channel ch, Direction direction, PeerId expected,
      ConnectionPath path, ConnectionLifecycle lifecycle, Multiaddr remoteAddress,
      ConnectionLimit limit, CompletableFuture<Peer> result) {
    if (direction == Direction.OUTBOUND && expected == null) {
      throw new IllegalArgumentException("an outbound connection needs the expected peer ID");
    }
    if (ch instanceof SocketChannel) {
      // Its streams stop handing it frames above the high mark (a relayed connection's channel is a
      // stream, with the stream's own marks).
      ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(
          core.config().connectionWriteBufferLowWaterMark(), core.config().connectionWriteBufferHighWaterMark()));
    }
    if (ch.pipeline().get(TrafficCounter.class) == null) {
      ch.pipeline().addFirst(TrafficCounter.NAME, new TrafficCounter());
    }
    ch.pipeline().addLast(NAME,
        new ConnectionUpgrader(core, direction, expected, path, lifecycle, remoteAddress, limit, result));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    long ms = core.config().handshakeTimeout().toMillis();
    timeout = ctx.executor().schedule(() -> fail(ctx, new PeerTimeoutException(
        "the connection upgrade with " + describe(ctx) + " did not finish within " + ms + " ms"
            + " (raise PeerConfig.handshakeTimeout if the link is slow)")), ms, TimeUnit.MILLISECONDS);
    if (ctx.channel().isActive()) {
      startSecurity(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    startSecurity(ctx);
    ctx.fireChannelActive();
  }

  private boolean securityStarted;

  private void startSecurity(ChannelHandlerContext ctx) {
    if (securityStarted) {
      return;
    }
    securityStarted = true;
    if (!lifecycle.handshaking()) {
      ctx.close(); // the dial was cancelled while TCP connected
      return;
    }
    List<SecurityProtocol> offered = core.config().securityProtocols();
    List<String> ids = offered.stream().map(SecurityProtocol::protocolId).toList();
    CompletableFuture<String> agreed = new CompletableFuture<>();
    agreed.whenComplete((id, err) -> {
      if (err != null) {
        fail(ctx, negotiationFailure("security protocol", ids, err));
      }
    });
    ChannelHandler mss = direction == Direction.OUTBOUND
        ? new MultistreamInitiator(ids, id -> securityHandlers(ctx, id), agreed, core.config().handshakeTimeout())
        : new MultistreamResponder(
            id -> ids.contains(id) ? securityHandlers(ctx, id) : null, agreed, core.config().handshakeTimeout());
    ctx.pipeline().addBefore(NAME, null, mss);
  }

  private ChannelHandler securityHandlers(ChannelHandlerContext ctx, String id) {
    return core.security().create(SecurityProtocol.fromProtocolId(id), direction == Direction.OUTBOUND, expected);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SecureSession session) {
      onSecure(ctx, session);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void onSecure(ChannelHandlerContext ctx, SecureSession session) {
    if (expected != null && !expected.equals(session.remotePeerId())) {
      // The security handlers check this too; a second look costs nothing.
      fail(ctx, new HandshakeException(
          "expected peer " + expected + " but the remote proved " + session.remotePeerId()));
      return;
    }
    try {
      // The first moment the peer is known: a connection over its peer's or the host's limit
      // goes now, before the muxer costs anything.
      resources = core.resources().openConnection(session.remotePeerId(), direction, describe(ctx));
    } catch (PeerException overLimit) {
      fail(ctx, overLimit);
      return;
    }
    ConnectionScope scope = resources;
    ctx.channel().closeFuture().addListener(f -> scope.done());
    List<String> muxers = core.config().streamMuxers().stream().map(StreamMuxer::protocolId).toList();
    if (session.earlyMuxer() != null && muxers.contains(session.earlyMuxer())) {
      ChannelHandler muxer = startMuxer(ctx, session, session.earlyMuxer(), true);
      if (muxer != null) {
        ctx.pipeline().addBefore(NAME, null, muxer);
      }
      return;
    }
    CompletableFuture<String> agreed = new CompletableFuture<>();
    agreed.whenComplete((id, err) -> {
      if (err != null) {
        fail(ctx, negotiationFailure("stream muxer", muxers, err));
      }
    });
    ChannelHandler mss = direction == Direction.OUTBOUND
        ? new MultistreamInitiator(muxers, id -> startMuxer(ctx, session, id, false), agreed,
            core.config().handshakeTimeout())
        : new MultistreamResponder(id -> muxers.contains(id) ? startMuxer(ctx, session, id, false) : null,
            agreed, core.config().handshakeTimeout());
    ctx.pipeline().addBefore(NAME, null, mss);
  }

  /** Creates the session and completes the upgrade; returns the muxer's handler for the caller to place. */
  private ChannelHandler startMuxer(ChannelHandlerContext ctx, SecureSession session, String muxerId,
      boolean early) {
    if (done) {
      return null;
    }
    PeerConnection conn = PeerConnection.builder(core, ctx.channel(), session)
        .direction(direction)
        .path(path)
        .muxer(muxerId, early)
        .lifecycle(lifecycle)
        .remoteAddress(remoteAddress)
        .limit(limit)
        .build();
    this.conn = conn;
    boolean client = direction == Direction.OUTBOUND;
    MuxerSession muxer = newMuxer(StreamMuxer.fromProtocolId(muxerId), client, conn.inboundStreamInitializer());
    conn.attach(muxer);
    done = true;
    timeout.cancel(false);
    // Completion runs after the session is in the pipeline: the negotiator (or the early path)
    // places the handler first, and stream opens are queued on this event loop behind us.
    ctx.executor().execute(() -> {
      if (!ctx.channel().isActive() || !conn.ready()) {
        result.completeExceptionally(new PeerException(PeerError.IO, "connection closed during the upgrade"));
        ctx.close();
        return;
      }
      if (!core.connectionReady(conn)) {
        result.completeExceptionally(new PeerException(PeerError.IO, "the host closed during the upgrade"));
        ctx.close();
        return;
      }
      result.complete(conn);
      conn.startIdentify();
    });
    return muxer;
  }

  private MuxerSession newMuxer(StreamMuxer kind, boolean client, ChannelHandler inboundStreamInitializer) {
    PeerConfig config = core.config();
    return switch (kind) {
      case YAMUX -> YamuxSessions.create(core.yamuxConfig(), client, inboundStreamInitializer, resources);
      case MPLEX -> new MplexSession(MplexConfig.DEFAULT_MAX_FRAME_SIZE, config.maxStreamsPerPeer(),
          config.mplexMaxBufferedBytes(), inboundStreamInitializer, resources);
    };
  }

  private static PeerException negotiationFailure(String what, List<String> offered, Throwable err) {
    PeerException pe = PeerException.wrap(err, PeerError.PROTOCOL);
    if (pe.kind() == PeerError.PROTOCOL) {
      return new PeerException(PeerError.PROTOCOL,
          "the remote supports no " + what + " we offered " + offered + ": " + pe.getMessage(), pe);
    }
    return pe;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!done) {
      fail(ctx, cause);
    } else {
      log.debug("connection {} failed: {}", describe(ctx), cause.toString());
      if (conn != null) {
        conn.recordFailure(cause);
      }
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!done) {
      fail(ctx, new PeerException(PeerError.IO,
          "the remote " + describe(ctx) + " closed the connection during the upgrade"
              + (direction == Direction.OUTBOUND ? " (it may not speak libp2p, or refused us)" : "")));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!done) {
      // Nothing should reach the end of the pipeline before the muxer is in place.
      ReferenceCountUtil.release(msg);
      fail(ctx, new PeerException(PeerError.PROTOCOL, "unexpected data during the connection upgrade"));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    if (timeout != null) {
      timeout.cancel(false);
    }
    PeerException pe = cause instanceof SSLException
        ? new HandshakeException("TLS handshake with " + describe(ctx) + " failed: " + cause.getMessage(), cause)
        : PeerException.wrap(cause, PeerError.IO);
    lifecycle.failed(pe);
    result.completeExceptionally(pe);
    ctx.close();
    if (direction == Direction.INBOUND) {
      // After the close: a line written to a slow log must not hold the connection open.
      REFUSALS.refused("inbound handshake (" + pe.kind() + ")", describe(ctx), pe.getMessage());
    }
  }

  private String describe(ChannelHandlerContext ctx) {
    Object where = remoteAddress != null ? remoteAddress : ctx.channel().remoteAddress();
    return expected != null ? expected + " at " + where : String.valueOf(where);
  }
}
