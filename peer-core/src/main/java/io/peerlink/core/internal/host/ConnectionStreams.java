package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.Stream;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.internal.multistream.MultistreamInitiator;
import io.peerlink.core.internal.multistream.MultistreamResponder;
import io.peerlink.core.internal.muxer.MuxedStream;
import io.peerlink.core.internal.muxer.MuxerSession;
import io.peerlink.core.internal.resource.StreamScope;
import io.peerlink.core.spi.StreamChannels;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of one connection over its muxer session (yamux, mplex or QUIC's own): streams we open are
 * offered their protocols with multistream-select; streams the remote opens are negotiated and handed to the
 * handler for their protocol (this connection's first, then the host's). On a limited (relayed)
 * connection only protocols that opted in run, either way.
 */
final class ConnectionStreams {
  private static final Logger log = LoggerFactory.getLogger(ConnectionStreams.class);

  private final HostCore core;
  private final PeerConnection conn;
  private final ConnectionLimit limit;
  private final ConnectionStats stats;
  private final ProtocolRegistry ownHandlers = new ProtocolRegistry();
  private volatile MuxerSession session;

  /** {@code limit} null: the connection is not limited. */
  ConnectionStreams(HostCore core, PeerConnection conn, ConnectionLimit limit, ConnectionStats stats) {
    this.core = core;
    this.conn = conn;
    this.limit = limit;
    this.stats = stats;
  }

  /** Attaches the muxer session; called once during the upgrade. */
  void attach(MuxerSession session) {
    this.session = session;
  }

  /** The muxer session, or null before the upgrade attached it. */
  MuxerSession session() {
    return session;
  }

  /** Streams open now. */
  int count() {
    MuxerSession s = session;
    return s == null ? 0 : s.streamCount();
  }

  /** Registers a handler for streams the remote opens on this connection only. */
  void handle(String protocol, StreamHandler handler) {
    ownHandlers.put(protocol, handler);
  }

  /** Protocols this connection accepts streams for (identify announces them). */
  List<String> protocols() {
    TreeSet<String> all = new TreeSet<>(core.protocols().protocols());
    all.addAll(ownHandlers.protocols());
    return List.copyOf(all);
  }

  /** The handler that sets up every stream the remote opens. */
  ChannelHandler inboundStreamInitializer() {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        halfClosable(stream);
        stats.markActivity();
        stream.pipeline().addLast(stats.activityMarker());
        stream.pipeline().addLast(new MultistreamResponder(
            ConnectionStreams.this::installerFor, core.config().streamNegotiationTimeout()));
      }
    };
  }

  /** Opens a stream offering {@code protocols} in order; see {@code Peer#newStream}. */
  CompletableFuture<Stream> open(List<String> protocols, StreamHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("name at least one protocol");
    }
    CompletableFuture<Stream> result = new CompletableFuture<>();
    if (limit != null) {
      protocols = protocols.stream().filter(core::runsOnLimitedConnections).toList();
      if (protocols.isEmpty()) {
        result.completeExceptionally(new LimitExceededException(
            "the connection to " + conn.peerId() + " is a limited relayed connection and none of the"
                + " protocols opted in to limited connections"));
        return result;
      }
    }
    List<String> offered = protocols;
    MuxerSession s = session;
    if (s == null || !conn.channel().isActive()) {
      result.completeExceptionally(new PeerException(PeerError.IO, "connection to " + conn.peerId() + " is closed"));
      return result;
    }
    CompletableFuture<String> agreed = new CompletableFuture<>();
    agreed.whenComplete((protocol, err) -> {
      if (err != null) {
        result.completeExceptionally(PeerException.wrap(err, PeerError.PROTOCOL));
      }
    });
    // The initiator goes in before the stream can read: the remote's multistream header may
    // arrive right after our SYN, before any listener on the open future would run.
    s.openStream(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        halfClosable(ch);
        stats.markActivity();
        ch.pipeline().addLast(stats.activityMarker());
        ch.pipeline().addLast(new MultistreamInitiator(offered,
            id -> new StreamInstaller(handler, id, result), agreed, core.config().streamNegotiationTimeout()));
      }
    }).addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(PeerException.wrap(f.cause(), PeerError.IO));
      }
    });
    return result;
  }

  /**
   * libp2p streams close each direction on its own (the remote's FIN ends only our input), so
   * every stream allows half-closure; see {@link Stream}.
   */
  private static void halfClosable(Channel stream) {
    stream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
  }

  /** The installer for an inbound stream's protocol, or null (answered {@code na}) if none is registered. */
  private ChannelHandler installerFor(String protocol) {
    if (limit != null && !core.runsOnLimitedConnections(protocol)) {
      log.debug("refused {} from {}: not allowed on a limited connection", protocol, conn.peerId());
      return null;
    }
    StreamHandler h = ownHandlers.get(protocol);
    if (h == null) {
      h = core.protocols().get(protocol);
    }
    return h == null ? null : new StreamInstaller(h, protocol, null);
  }

  /**
   * Stands where the negotiator stood and runs the {@link StreamHandler} there, before the bytes
   * that followed the negotiation are passed on, then steps aside.
   */
  private final class StreamInstaller extends ChannelHandlerAdapter {
    private final StreamHandler handler;
    private final String protocol;
    private final CompletableFuture<Stream> opened;

    StreamInstaller(StreamHandler handler, String protocol, CompletableFuture<Stream> opened) {
      this.handler = handler;
      this.protocol = protocol;
      this.opened = opened;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      StreamScope scope = MuxedStream.scopeOf(ctx.channel());
      if (scope != null) {
        if (!scope.setProtocol(protocol)) {
          // Over the protocol's limit (logged): the stream goes, the connection stays.
          if (opened != null) {
            opened.completeExceptionally(new LimitExceededException("protocol " + protocol
                + " has its most streams or memory on this host (see ResourceLimits)"));
          }
          StreamChannels.reset(ctx.channel());
          return;
        }
      }
      StreamImpl stream = new StreamImpl(ctx.channel(), protocol, conn);
      try {
        handler.handle(stream);
        ctx.pipeline().remove(this);
        if (opened != null) {
          opened.complete(stream);
        }
      } catch (Exception e) {
        log.warn("stream handler for {} from {} threw; stream reset", protocol, conn.peerId(), e);
        if (opened != null) {
          opened.completeExceptionally(e);
        }
        ctx.channel().close();
      }
    }
  }
}
