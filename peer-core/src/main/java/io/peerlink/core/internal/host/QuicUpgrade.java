package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.resource.ConnectionScope;
import io.peerlink.core.internal.security.SecureSession;
import io.peerlink.core.internal.tls.QuicTls;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.RefusalLog;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a QUIC connection whose handshake finished into a ready {@link Peer}. There is no upgrade
 * to run (libp2p/specs {@code quic/README.md}): QUIC's TLS 1.3 already proved the remote's peer ID
 * with the libp2p certificate, and QUIC streams are the connection's streams. What is left is to
 * read that peer ID, take the connection's resources, and build the {@link PeerConnection} over a
 * {@link QuicMuxer}. The handshake is bounded by {@code QuicConfig.handshakeTimeout}.
 *
 * <p>Installed in the QUIC connection's pipeline before the handshake; its {@code channelActive}
 * is the handshake's end. The streams the remote opens pass through this pipeline as messages on
 * their way to be registered, so reads go on untouched.
 */
final class QuicUpgrade extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(QuicUpgrade.class);
  private static final RefusalLog REFUSALS = new RefusalLog(log);
  /** What a QUIC connection reports as its security protocol and muxer. */
  static final String QUIC_V1 = "quic-v1";
  /** The initializer of the streams the remote opens, set once the connection is ready. */
  private static final AttributeKey<ChannelHandler> INBOUND_STREAMS =
      AttributeKey.valueOf("peerlink.quic.inboundStreams");

  private final HostCore core;
  private final Direction direction;
  private final PeerId expected;
  private final ConnectionLifecycle lifecycle;
  private final CompletableFuture<Peer> result;
  private final Multiaddr remoteAddress;
  private final ConnectionPath path;
  private ScheduledFuture<?> timeout;
  private volatile QuicChannel channel;
  private boolean done;
  private PeerConnection conn;
  private QuicMuxer muxer;

  QuicUpgrade(HostCore core, Direction direction, PeerId expected, ConnectionPath path, Multiaddr remoteAddress,
      ConnectionLifecycle lifecycle, CompletableFuture<Peer> result) {
    this.core = core;
    this.path = path;
    this.direction = direction;
    this.expected = expected;
    this.remoteAddress = remoteAddress;
    this.lifecycle = lifecycle;
    this.result = result;
  }

  /**
   * The handler of every stream a remote opens on any QUIC connection: it hands the stream to its
   * connection's {@link ConnectionStreams}, or resets it if the connection is not ready (QUIC does
   * not let the remote open a stream before the handshake, so that is a closing connection).
   */
  static ChannelHandler inboundStreams() {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        ChannelHandler init = stream.parent() == null ? null : stream.parent().attr(INBOUND_STREAMS).get();
        if (init == null) {
          stream.close();
          return;
        }
        stream.pipeline().addLast(init);
      }

      @Override
      public boolean isSharable() {
        return true;
      }
    };
  }

  /**
   * Why our side refused the remote's certificate, or null: QUIC reports a refused handshake only
   * as a TLS alert, and this names the libp2p check that failed.
   */
  HandshakeException refusal() {
    QuicChannel ch = channel;
    return ch == null ? null : QuicTls.failure(ch);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = (QuicChannel) ctx.channel();
    long ms = core.config().quic().handshakeTimeout().toMillis();
    timeout = ctx.executor().schedule(() -> fail(ctx, new PeerTimeoutException(
        "the QUIC handshake with " + describe() + " did not finish within " + ms + " ms"
            + " (raise QuicConfig.handshakeTimeout if the link is slow)")), ms, TimeUnit.MILLISECONDS);
    if (!lifecycle.handshaking()) {
      fail(ctx, new PeerException(PeerError.CONNECT, "dial to " + describe() + " cancelled"));
    } else if (ctx.channel().isActive()) {
      ready(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ready(ctx);
    ctx.fireChannelActive();
  }

  private void ready(ChannelHandlerContext ctx) {
    if (done) {
      return;
    }
    QuicChannel quic = (QuicChannel) ctx.channel();
    SecureSession session;
    try {
      session = QuicTls.session(quic);
    } catch (HandshakeException e) {
      fail(ctx, e);
      return;
    }
    if (direction == Direction.INBOUND && expected != null && !expected.equals(session.remotePeerId())) {
      // A hole punch's connection from the punch's addresses, but proving another peer.
      fail(ctx, new HandshakeException("the QUIC hole punch from " + remoteAddress + " proved "
          + session.remotePeerId() + ", not the peer punching, " + expected));
      return;
    }
    ConnectionScope resources;
    try {
      resources = core.resources().openConnection(session.remotePeerId(), direction, describe());
    } catch (PeerException overLimit) {
      fail(ctx, overLimit);
      return;
    }
    ctx.channel().closeFuture().addListener(f -> resources.done());
    // The connection's stats find the counter here; it counts in every stream's pipeline.
    TrafficCounter traffic = new TrafficCounter();
    quic.pipeline().addFirst(TrafficCounter.NAME, traffic);
    Multiaddr local = quic.localSocketAddress() instanceof InetSocketAddress s
        ? TransportAddress.quic(s) : null;
    PeerConnection c = PeerConnection.builder(core, quic, session)
        .direction(direction)
        .path(path)
        .muxer(QUIC_V1, false)
        .lifecycle(lifecycle)
        .remoteAddress(remoteAddress)
        .localAddress(local)
        .build();
    this.conn = c;
    QuicMuxer muxer = new QuicMuxer(quic, core.config().quic().streamOpenWait(), traffic, resources,
        core.config().quic().streamWindow());
    this.muxer = muxer;
    c.attach(muxer);
    quic.attr(INBOUND_STREAMS).set(muxer.inbound(c.inboundStreamInitializer()));
    done = true;
    timeout.cancel(false);
    if (!c.ready()) {
      result.completeExceptionally(new PeerException(PeerError.IO, "connection closed during the handshake"));
      ctx.close();
      return;
    }
    if (!core.connectionReady(c)) {
      result.completeExceptionally(new PeerException(PeerError.IO, "the host closed during the handshake"));
      ctx.close();
      return;
    }
    result.complete(c);
    c.startIdentify();
    keepAlive(quic, c);
  }

  /** Pings every {@code QuicConfig.keepAliveInterval}, so QUIC's idle timeout spares a quiet connection. */
  private void keepAlive(QuicChannel quic, PeerConnection c) {
    long ms = core.config().quic().keepAliveInterval().toMillis();
    if (ms <= 0) {
      return;
    }
    ScheduledFuture<?> task = quic.eventLoop().scheduleAtFixedRate(() -> c.ping().whenComplete((rtt, err) -> {
      if (err != null) {
        log.debug("keep-alive ping to {} failed: {}", describe(), err.toString());
      }
    }), ms, ms, TimeUnit.MILLISECONDS);
    quic.closeFuture().addListener(f -> task.cancel(false));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof QuicStreamLimitChangedEvent && muxer != null) {
      muxer.streamLimitChanged();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!done) {
      fail(ctx, cause);
      return;
    }
    log.debug("QUIC connection {} failed: {}", describe(), cause.toString());
    if (conn != null) {
      conn.recordFailure(cause);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!done) {
      HandshakeException refused = QuicTls.failure((QuicChannel) ctx.channel());
      fail(ctx, refused != null ? refused : new HandshakeException(
          "the QUIC handshake with " + describe() + " failed: the remote closed the connection"
              + (direction == Direction.OUTBOUND
                  ? " (it may have refused our certificate, or not speak libp2p QUIC)" : "")));
    }
    ctx.fireChannelInactive();
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    if (timeout != null) {
      timeout.cancel(false);
    }
    PeerException pe = PeerException.wrap(cause, PeerError.IO);
    lifecycle.failed(pe);
    result.completeExceptionally(pe);
    ctx.close();
    if (direction == Direction.INBOUND) {
      REFUSALS.refused("inbound QUIC handshake (" + pe.kind() + ")", describe(), pe.getMessage());
    }
  }

  private String describe() {
    return expected != null ? expected + " at " + remoteAddress : String.valueOf(remoteAddress);
  }
}
